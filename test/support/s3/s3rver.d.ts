// The part of s3rver 3.7's API this project uses (the package ships no types).
declare module 's3rver' {
  import type { Server } from 'node:http';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }

  interface S3rverObjectMetadata {
    etag: string;
    'last-modified': string;
    'content-length': number;
    'content-type'?: string;
    [header: string]: string | number | undefined;
  }

  interface FilesystemStore {
    rootDirectory: string;
    getMetadata(bucket: string, key: string): Promise<S3rverObjectMetadata>;
    existsObject(bucket: string, key: string): Promise<boolean>;
  }

  class S3rver {
    constructor(options?: S3rverOptions);
    readonly store: FilesystemStore;
    httpServer?: Server;
    run(): Promise<{ address: string; port: number; family: string }>;
    close(): Promise<void>;
  }

  export default S3rver;
}
