// Experiment 5 (optional): placeholder until the peers group lands.
export const peersTaskCount = () => 0;
export async function runPeers() {
  return undefined;
}
