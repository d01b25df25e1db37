// Every failure the oracle CLI reports is an OracleError: one sentence saying what is wrong and
// what to do, and the process exit code.
export class OracleError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = "OracleError";
  }
}
