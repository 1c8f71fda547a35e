/**
 * Vitess's `--grpc_auth_static_client_creds FILE` on the client side: the file's StaticAuthClientCreds
 * JSON (`{"Username": "…", "Password": "…"}`, keys matched case-insensitively as Go's JSON decoding
 * does) becomes the `username`/`password` call metadata that a server with `--grpc_auth_mode static`
 * checks. Used by `vtsim vtctldclient` and `vtsim vstream`.
 */

/** The call metadata of a static auth client creds file's text. Throws a SyntaxError for text that is not JSON. */
export function staticClientCreds(json: string): Record<string, string> {
  const creds = JSON.parse(json) as Record<string, unknown>;
  const field = (name: string): string => {
    const key = Object.keys(creds).find((k) => k.toLowerCase() === name);
    const v = key === undefined ? '' : creds[key];
    return typeof v === 'string' ? v : '';
  };
  return { username: field('username'), password: field('password') };
}
