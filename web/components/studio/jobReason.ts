/**
 * An ingest job's error code ("NOT_MEDIA", or a route's "not-media") as the API's reason
 * ("not-media"): its sentence for the viewer is in the "errors" catalogue. Plain module, so the
 * server page and the upload island share it.
 */
export function reasonOfCode(code: string): string {
  return code.toLowerCase().replace(/_/g, "-");
}
