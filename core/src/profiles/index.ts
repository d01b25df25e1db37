/**
 * Creators' profiles (EIP-712 signed, kept on IPFS and indexed in the database). The typed data and
 * field rules (profile.ts) are browser-safe; the store (store.ts) is server-side.
 */
export {
  PROFILE_LIMITS,
  PROFILE_TYPES,
  profileIssue,
  profileProblem,
  profileTypedData,
  imageTypeOf,
  type Profile,
  type ProfileIssue,
  type SignedProfile,
} from "./profile.ts";
export {
  ProfileError,
  addAvatar,
  checkAvatar,
  getProfile,
  profilesOf,
  saveSignedProfile,
  type StoredProfile,
  type SaveProfileOptions,
} from "./store.ts";
