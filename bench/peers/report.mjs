export const sectionPeers = () => "";
