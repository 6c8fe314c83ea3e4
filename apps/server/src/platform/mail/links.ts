/**
 * Links sent by e-mail point at the console: PUBLIC_URL when configured, otherwise the origin the request
 * addressed (its Host header), which is right for a single-host or development install.
 */
import type { Config } from '../../config.js';
import type { RequestMeta } from '../../http/route.js';
import { AppError } from '../errors.js';

/**
 * A builder of links to a console page. The base is checked now, before any work is done, so a bad Host header
 * fails the same way whatever happens next (a reset request must not answer differently for known accounts).
 */
export function consoleLink(
  config: Pick<Config, 'publicUrl'>,
  meta: Pick<RequestMeta, 'origin'>,
  page: string,
): (query: Record<string, string>) => string {
  const base = config.publicUrl ?? meta.origin;
  let url: URL;
  try {
    // Relative to `base/` so a PUBLIC_URL with a path prefix keeps it.
    url = new URL(page.replace(/^\/+/, ''), base + '/');
  } catch {
    throw new AppError('validation_failed', 'The Host header is not a valid host name', {
      fields: [{ field: 'headers.host', message: 'invalid' }],
    });
  }
  return (query) => {
    const link = new URL(url);
    for (const [k, v] of Object.entries(query)) link.searchParams.set(k, v);
    return link.toString();
  };
}
