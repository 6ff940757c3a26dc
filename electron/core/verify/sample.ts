// Sampled verification reads a rotating slice of the blob-id space. Blob ids are hashes, so a slice
// of p % of the space holds about p % of the blobs; consecutive runs take consecutive slices, so after
// 100 / p runs every blob has been read — including blobs that were added along the way.

/** Positions are the first 32 bits of a blob id. */
export const ID_SPACE = 2 ** 32;

export interface Slice {
  from: number;
  length: number;
}

export function positionOf(id: string): number {
  return parseInt(id.slice(0, 8), 16);
}

export function sliceLength(percent: number): number {
  return Math.min(ID_SPACE, Math.max(1, Math.ceil((percent / 100) * ID_SPACE)));
}

export function inSlice(id: string, slice: Slice): boolean {
  return (positionOf(id) - slice.from + ID_SPACE) % ID_SPACE < slice.length;
}

export function percentOf(units: number): number {
  return Math.round((units / ID_SPACE) * 1000) / 10;
}
