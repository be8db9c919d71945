// Who may talk to the server, checked before a request is routed. Anything listening on a port is
// reachable by every web page the user opens: a page can send "simple" requests (text/plain bodies,
// no preflight) and, through DNS rebinding (its own name resolving to 127.0.0.1), read the answers.
// So: only Host values that name this server, no browser Origin unless allowed by name, JSON bodies
// only (a page cannot send application/json cross-origin without a preflight we refuse), and an
// optional API key compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type * as http from 'node:http';
import { ApiError } from './validate';

export interface AccessPolicy {
  /** Origins (`scheme://host[:port]`, exactly) whose pages may call the server; any other request
   * carrying an Origin header is refused. */
  allowOrigins?: readonly string[];
  /** Host header values accepted besides this server's own loopback names and address (for a
   * forwarded port or a LAN name), compared without regard to case. */
  allowHosts?: readonly string[];
  /** When set, every request needs `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
}

const forbidden = (message: string) => new ApiError(403, message, null, 'forbidden');

/** `[::ffff:1.2.3.4]` and `::ffff:1.2.3.4` are how IPv4 peers look on an IPv6 socket. */
const plainAddress = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');

/** The names this server answers to on the connection `req` came in on: the loopback names and the
 * local address the connection reached (an IP literal, which a rebinding page can never send as
 * its Host), with the local port. */
function ownHosts(req: http.IncomingMessage): Set<string> {
  const port = req.socket.localPort;
  const local = plainAddress(req.socket.localAddress ?? '127.0.0.1');
  const names = ['127.0.0.1', 'localhost', '[::1]', local.includes(':') ? `[${local}]` : local];
  const hosts = new Set(names.map((name) => `${name}:${port}`));
  // A client omits the default port.
  if (port === 80) for (const name of names) hosts.add(name);
  return hosts;
}

function checkHost(req: http.IncomingMessage, policy: AccessPolicy): void {
  const host = req.headers.host?.toLowerCase();
  if (host === undefined) throw forbidden('Requests must carry a Host header naming this server.');
  if (ownHosts(req).has(host) || policy.allowHosts?.some((allowed) => allowed.toLowerCase() === host)) return;
  // The value is not echoed: it is whatever a page or proxy chose.
  throw forbidden('This server only answers requests addressed to it by its own address (Host: 127.0.0.1, localhost or [::1] with its port). To reach it under another name, start it with --allow-host <host:port>.');
}

/** The CORS headers for an allowed origin; a refusal for any other. */
function checkOrigin(req: http.IncomingMessage, res: http.ServerResponse, policy: AccessPolicy): void {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  if (!policy.allowOrigins?.includes(origin)) throw forbidden('Requests from web pages are refused unless the server was started with --allow-origin <origin> naming their origin.');
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'Origin');
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

function checkApiKey(req: http.IncomingMessage, apiKey: string): void {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match) throw new ApiError(401, "You didn't provide an API key. This server needs one in an Authorization header using Bearer auth (Authorization: Bearer YOUR_KEY).", null, 'invalid_api_key');
  // Equal-length digests: the comparison takes the same time wherever the keys differ, and the
  // key's length does not show either. The key given is never echoed.
  if (!timingSafeEqual(digest(match[1]!), digest(apiKey))) throw new ApiError(401, 'Incorrect API key provided.', null, 'invalid_api_key');
}

/** Applies `policy` to a request: throws the ApiError to answer with, or returns 'answered' when the
 * request was a CORS preflight it answered itself, 'continue' otherwise. */
export function guardRequest(req: http.IncomingMessage, res: http.ServerResponse, policy: AccessPolicy): 'answered' | 'continue' {
  checkHost(req, policy);
  checkOrigin(req, res, policy);
  if (req.method === 'OPTIONS' && req.headers.origin !== undefined) {
    // A preflight carries no credentials: it is answered before the API key is checked.
    res.writeHead(204, {
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': req.headers['access-control-request-headers'] ?? 'authorization, content-type',
      'access-control-max-age': '600',
    });
    res.end();
    return 'answered';
  }
  if (policy.apiKey !== undefined) checkApiKey(req, policy.apiKey);
  return 'continue';
}

/** POST bodies must be JSON: a web page can send text/plain or form bodies to any address without a
 * preflight, never application/json. */
export function requireJsonBody(req: http.IncomingMessage): void {
  const type = req.headers['content-type'] ?? '';
  const [mediaType, ...parameters] = type.split(';').map((part) => part.trim().toLowerCase());
  const charset = parameters.find((parameter) => parameter.startsWith('charset='))?.slice('charset='.length).replace(/^"|"$/g, '');
  if (mediaType === 'application/json' && (charset === undefined || charset === 'utf-8' || charset === 'utf8')) return;
  throw new ApiError(415, `Unsupported Content-Type${type ? ` '${type.slice(0, 100)}'` : ' (none given)'}: request bodies must be JSON, sent with Content-Type: application/json.`, null, 'unsupported_media_type');
}
