// One HTTP call to a local server as an app's hook makes it (POST /api/trigger/<connection> and the
// like): a fresh connection each time (no keep-alive, so a closed listener is "refused", not a hang-up),
// the Host header of 127.0.0.1, the answer's JSON (or its text).
import http from 'node:http';

export interface HttpAnswer {
  status: number;
  json: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
}

export function postLocal(port: number | string, pathname: string, options: { token?: string; body?: string; headers?: Record<string, string>; method?: string } = {}): Promise<HttpAnswer | 'refused'> {
  const headers: Record<string, string> = { host: `127.0.0.1:${port}`, ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers };
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathname, method: options.method ?? 'POST', agent: false, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        let json: Record<string, unknown> = { text };
        try {
          json = JSON.parse(text || '{}') as Record<string, unknown>;
        } catch {
          // plain text (e.g. the Host check's answer)
        }
        resolve({ status: res.statusCode ?? 0, json, headers: res.headers });
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNREFUSED' ? resolve('refused') : reject(err)));
    req.end(options.body);
  });
}

/** The same, for a server that must be there: a refused connection fails the test. */
export async function post(port: number | string, pathname: string, options: Parameters<typeof postLocal>[2] = {}): Promise<HttpAnswer> {
  const answer = await postLocal(port, pathname, options);
  if (answer === 'refused') throw new Error(`nothing listens on 127.0.0.1:${port}`);
  return answer;
}
