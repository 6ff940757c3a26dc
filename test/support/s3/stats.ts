// Counters of what reached the S3 gateway, for tests that assert "nothing was downloaded twice".
import type { S3Operation } from './routes';

export class S3Stats {
  /** Every request, including rejected ones. */
  requests = 0;
  byOperation: Partial<Record<S3Operation, number>> = {};
  /** Error responses by S3 error code (auth failures, injected faults, NoSuchKey…). */
  errors: Record<string, number> = {};
  /** Body bytes received from clients (as sent on the wire). */
  bytesReceived = 0;
  /** Body bytes sent to clients. */
  bytesSent = 0;
  /** Key of every GetObject request, in arrival order. */
  getObjectKeys: string[] = [];
  /** Key of every PutObject / CompleteMultipartUpload request, in arrival order. */
  putObjectKeys: string[] = [];

  count(op: S3Operation, key?: string): void {
    this.requests += 1;
    this.byOperation[op] = (this.byOperation[op] ?? 0) + 1;
    if (key !== undefined && op === 'GetObject') this.getObjectKeys.push(key);
    if (key !== undefined && (op === 'PutObject' || op === 'CompleteMultipartUpload')) this.putObjectKeys.push(key);
  }

  countError(code: string): void {
    this.errors[code] = (this.errors[code] ?? 0) + 1;
  }

  /** Requests of these operations, summed (e.g. all multipart steps). */
  total(...ops: S3Operation[]): number {
    return ops.reduce((sum, op) => sum + (this.byOperation[op] ?? 0), 0);
  }

  reset(): void {
    this.requests = 0;
    this.byOperation = {};
    this.errors = {};
    this.bytesReceived = 0;
    this.bytesSent = 0;
    this.getObjectKeys = [];
    this.putObjectKeys = [];
  }
}
