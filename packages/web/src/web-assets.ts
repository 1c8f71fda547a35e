/**
 * The live view's page and its script and style, served from this package's `assets/` folder (in
 * the installed package, `<package>/web/`): no CDN, the view works offline.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VTSIM_ROOT, isInstalledPackage } from '@vtsim/proto';

/** The folder holding the page's files: packages/web/assets (this file is in src/ or dist/), or `<package>/web`. */
export const WEB_ASSETS_DIR: string = isInstalledPackage ? join(VTSIM_ROOT, 'web') : fileURLToPath(new URL('../assets/', import.meta.url));

/** The files the view serves, by URL path, with their content types. */
const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/view.js': { file: 'view.js', type: 'text/javascript; charset=utf-8' },
  '/view.css': { file: 'view.css', type: 'text/css; charset=utf-8' },
};

/** The asset served at `path` with its content type, or undefined when no asset has that path. */
export async function webAsset(path: string): Promise<{ body: Buffer; type: string } | undefined> {
  const asset = ASSETS[path];
  if (!asset) return undefined;
  return { body: await readFile(join(WEB_ASSETS_DIR, asset.file)), type: asset.type };
}
