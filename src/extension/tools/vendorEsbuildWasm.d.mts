export declare function vendorEsbuildWasm(outDir?: string): Promise<{ outDir: string; version: string }>;
