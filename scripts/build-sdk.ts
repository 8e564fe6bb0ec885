// Bundles the browser SDK (sdk/src/browser.ts) into sdk/dist/sdk.js, the file that
// src/web/sdk-route.ts embeds and serves at /sdk.js. Prints raw, gzip and brotli
// sizes and exits 1 when the gzipped file is over the budget.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

export const GZIP_BUDGET = 3800;

const root = join(import.meta.dir, "..");

export interface SdkBuild {
  code: string;
  raw: number;
  gzip: number;
  brotli: number;
}

/** The minified script-tag bundle and its sizes; writes nothing. */
export async function bundleSdk(): Promise<SdkBuild> {
  const result = await Bun.build({
    entrypoints: [join(root, "sdk/src/browser.ts")],
    target: "browser",
    format: "iife",
    minify: true,
  });
  if (!result.success) throw new AggregateError(result.logs, "sdk build failed");
  const code = (await result.outputs[0].text()).trim() + "\n";
  return {
    code,
    raw: Buffer.byteLength(code),
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

if (import.meta.main) {
  const build = await bundleSdk();
  const outDir = join(root, "sdk/dist");
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "sdk.js"), build.code);
  // Lets `import source from "../../sdk/dist/sdk.js" with { type: "text" }` typecheck.
  writeFileSync(join(outDir, "sdk.d.ts"), "declare const source: string;\nexport default source;\n");
  console.log(`sdk/dist/sdk.js  raw ${build.raw} B  gzip ${build.gzip} B  brotli ${build.brotli} B  (budget: ${GZIP_BUDGET} B gzip)`);
  if (build.gzip > GZIP_BUDGET) {
    console.error(`sdk.js is ${build.gzip - GZIP_BUDGET} B over the gzip budget of ${GZIP_BUDGET} B`);
    process.exit(1);
  }
}
