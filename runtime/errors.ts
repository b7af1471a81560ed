/** Errors the runtime raises. Every message names the problem and the fix. */

export class RddError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RddError";
  }
}

/** A wrong argument, caught when the RDD is built or the action starts. */
export class InvalidArgumentError extends RddError {
  constructor(message: string) {
    super(message);
    this.name = "InvalidArgumentError";
  }
}

/** A value that the shuffle or storage codec cannot carry faithfully. */
export class SerializationError extends RddError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SerializationError";
  }
}

/** An exception in user code or the engine that failed a job. `cause` keeps the original error. */
export class JobFailedError extends RddError {
  constructor(
    message: string,
    readonly operation: string,
    readonly stageId: number,
    readonly partition: number,
    cause: unknown,
  ) {
    super(message, { cause });
    this.name = "JobFailedError";
  }
}

/** Thrown from inside a task by an RDD whose user function failed; the scheduler turns it into a {@link JobFailedError}. */
export class UserCodeError extends Error {
  constructor(
    readonly operation: string,
    readonly original: unknown,
  ) {
    super(`user function of ${operation} threw`);
  }
}

/** An exception from user code as operation `op` reports it: a UserCodeError as it is, anything else wrapped. */
export function asUserCodeError(op: string, e: unknown): UserCodeError {
  return e instanceof UserCodeError ? e : new UserCodeError(op, e);
}

export function requirePositiveInt(name: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value <= 0) {
    throw new InvalidArgumentError(`${name} must be a positive integer, got ${String(value)}. Pass a whole number of at least 1.`);
  }
}
