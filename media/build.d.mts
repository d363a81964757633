export function buildMedia(opts?: { outdir?: string; minify?: boolean; sourcemap?: boolean }): Promise<string>;
