/**
 * The web build every test platform shares (the browser tests' platforms, the crash test): under
 * web/, made once and rebuilt only when its sources change (core/src/platform/webBuild.ts). Tests
 * that start platforms run one after another, so two never build it at once.
 */
export const TEST_WEB_DIST = ".next-test";
