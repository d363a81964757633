export declare const NATIVE_TARGETS: Readonly<Record<string, string>>;
export declare function hostTarget(platform?: string, arch?: string): string | undefined;
export declare function binaryName(target: string): string;
export declare function packageOfTarget(target: string): string;
export declare function vendorEsbuildNative(target: string, outDir?: string): Promise<{ outDir: string; version: string; pkg: string }>;
