// Where an operator's oracle files live: one folder per chain and period holding the tally file,
// its IPFS publication record and the collected signatures. Several operators can share the
// folder (or copy it) so their signatures gather beside the same tally.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { OracleError } from "./errors.ts";
import { dataPath } from "../paths.ts";

export const DEFAULT_ORACLE_DIR = dataPath("oracle");

export interface PeriodFiles {
  dir: string;
  tally: string;
  publication: string;
  signatures: string;
  /** Platform only, never published: which sealed archive holds which receipts (archiveExport.ts). */
  receipts: string;
  /** The operator's own recomputation of the period (recompute.ts); `sign` requires it to match. */
  recomputation: string;
}

export function periodFiles(chainId: number, period: number, root = process.env.ORACLE_DIR ?? DEFAULT_ORACLE_DIR): PeriodFiles {
  const dir = path.join(root, `chain-${chainId}`, `period-${period}`);
  return {
    dir,
    tally: path.join(dir, "tally.json"),
    publication: path.join(dir, "publication.json"),
    signatures: path.join(dir, "signatures.json"),
    receipts: path.join(dir, "receipts.json"),
    recomputation: path.join(dir, "recomputation.json"),
  };
}

/** Writes through a temporary file and a rename, so a crash never leaves half a file behind. */
export async function writeAtomic(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

export async function readText(file: string, missing: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new OracleError(missing);
    throw error;
  }
}

export async function readJsonIfExists<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new OracleError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}
