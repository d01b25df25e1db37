// Every failure the oracle CLI reports is an OracleError: one sentence saying what is wrong and
// what to do, and the process exit code.
import { AiFilmsError, type ModuleCode } from "../errors.ts";

export type OracleErrorCode = ModuleCode<"oracle">;

export class OracleError extends AiFilmsError<"oracle"> {
  override readonly name = "OracleError";

  constructor(
    message: string,
    readonly exitCode = 1,
    code: OracleErrorCode = "FAILED",
  ) {
    super("oracle", code, message);
  }
}
