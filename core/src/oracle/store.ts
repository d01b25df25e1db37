// What the oracle needs from IPFS: put the tally file, get it back by CID.
export interface TallyStore {
  addBytes(bytes: Uint8Array): Promise<string>;
  catBytes(cid: string): Promise<Uint8Array>;
}
