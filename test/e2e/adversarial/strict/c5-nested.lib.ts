// Data whose declared type has nested objects, with some rows holding null/undefined there (via `as`).
export interface Person {
  id: number;
  address: { city: string; zip: string; street: string };
  job: { title: string; org: { name: string; size: number } };
}

export function people(): [string, Person][] {
  return Array.from({ length: 18 }, (_, i): [string, Person] => [
    `team${i % 3}`,
    {
      id: i,
      address: i % 4 === 0 ? (null as unknown as Person["address"]) : { city: `city${i % 2}`, zip: `${10000 + i}`, street: `street ${i}` },
      job: { title: `title${i % 2}`, org: i % 5 === 0 ? (undefined as unknown as Person["job"]["org"]) : { name: `org${i % 3}`, size: i } },
    },
  ]);
}
