import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';

/** A key pair an identity provider signs with, and its public JWK as it publishes it. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  /** The public key as the JWKS publishes it (kid, alg, use: sig). */
  readonly jwk: JWK;
  /** The public key as PEM (SPKI): what an alg-confusion attacker would use as an HMAC secret. */
  readonly publicPem: string;
  readonly privateKey: CryptoKey;
  /** Signs a token with this key: `kid` and `alg` in the header, iat and a 1 h expiry unless claims say otherwise. */
  sign(claims: JWTPayload, header?: { kid?: string | undefined }): Promise<string>;
}

export async function createSigningKey(alg: 'RS256' | 'ES256', kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return {
    kid,
    alg,
    jwk,
    publicPem: await exportSPKI(publicKey),
    privateKey,
    sign(claims, header = {}) {
      const protectedHeader = { alg, typ: 'JWT', ...('kid' in header ? (header.kid === undefined ? {} : { kid: header.kid }) : { kid }) };
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iat: now, exp: now + 3600, ...claims }).setProtectedHeader(protectedHeader).sign(privateKey);
    },
  };
}

export type JwksServerMode =
  /** 200 with the current key set. */
  | 'ok'
  /** Reads the request and never answers. */
  | 'hang'
  /** 500, no key set. */
  | 'error'
  /** 200 with a body that is not a key set. */
  | 'garbage';

/** A local identity provider's JWKS endpoint on an ephemeral port: keys can be rotated, failures injected, fetches counted. */
export interface JwksServer {
  readonly url: string;
  /** Requests received so far (answered or not). */
  readonly fetches: number;
  /** Publishes exactly these keys from now on (rotation: add the new one, later drop the old one). */
  publish(keys: readonly SigningKey[]): void;
  setMode(mode: JwksServerMode): void;
  close(): Promise<void>;
}

export async function startJwksServer(keys: readonly SigningKey[] = []): Promise<JwksServer> {
  let published = keys.map((key) => key.jwk);
  let mode: JwksServerMode = 'ok';
  let fetches = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    fetches += 1;
    req.resume();
    if (mode === 'hang') return;
    if (mode === 'error') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('identity provider down');
      return;
    }
    const body = mode === 'garbage' ? '<html>maintenance</html>' : JSON.stringify({ keys: published });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get fetches() {
      return fetches;
    },
    publish(next) {
      published = next.map((key) => key.jwk);
    },
    setMode(next) {
      mode = next;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
