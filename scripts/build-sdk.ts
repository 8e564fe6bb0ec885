// Bundles the browser SDK: sdk/src/browser.ts (the script tag) into sdk/dist/sdk.js and
// the split-test chunk sdk/src/experiments/chunk.ts into sdk/dist/sdk-experiments.js,
// the files src/web/sdk-route.ts embeds and serves at /sdk.js and /sdk-experiments.js;
// and the section-view code sdk/src/sections.ts into sdk/dist/sdk-sections.js, which
// src/web/experiments-sdk-route.ts puts inside every funnel's script. Prints raw, gzip
// and brotli sizes and exits 1 when a gzipped file is over its budget (the chunk loads
// only on funnels with experiments).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

// The founders' cap for the script tag: new things go into code loaded later.
export const GZIP_BUDGET = 3800;
export const CHUNK_GZIP_BUDGET = 2000;
export const SECTIONS_GZIP_BUDGET = 500;

const root = join(import.meta.dir, "..");

export interface SdkBuild {
  code: string;
  raw: number;
  gzip: number;
  brotli: number;
}

async function bundle(entry: string): Promise<SdkBuild> {
  const result = await Bun.build({ entrypoints: [join(root, entry)], target: "browser", format: "iife", minify: true });
  if (!result.success) throw new AggregateError(result.logs, "sdk build failed");
  const code = (await result.outputs[0].text()).trim() + "\n";
  return {
    code,
    raw: Buffer.byteLength(code),
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/** The minified script-tag bundle and its sizes; writes nothing. */
export function bundleSdk(): Promise<SdkBuild> {
  return bundle("sdk/src/browser.ts");
}

/** The minified experiments chunk and its sizes; writes nothing. */
export function bundleExperiments(): Promise<SdkBuild> {
  return bundle("sdk/src/experiments/chunk.ts");
}

/** The minified section-view code and its sizes; writes nothing. */
export function bundleSections(): Promise<SdkBuild> {
  return bundle("sdk/src/sections.ts");
}

if (import.meta.main) {
  const outDir = join(root, "sdk/dist");
  mkdirSync(outDir, { recursive: true });
  let over = false;
  for (const [file, build, budget] of [
    ["sdk.js", await bundleSdk(), GZIP_BUDGET],
    ["sdk-experiments.js", await bundleExperiments(), CHUNK_GZIP_BUDGET],
    ["sdk-sections.js", await bundleSections(), SECTIONS_GZIP_BUDGET],
  ] as const) {
    writeFileSync(join(outDir, file), build.code);
    // Lets `import source from "../../sdk/dist/<file>" with { type: "text" }` typecheck.
    writeFileSync(join(outDir, file.replace(/\.js$/, ".d.ts")), "declare const source: string;\nexport default source;\n");
    console.log(`sdk/dist/${file}  raw ${build.raw} B  gzip ${build.gzip} B  brotli ${build.brotli} B  (budget: ${budget} B gzip)`);
    if (build.gzip > budget) {
      console.error(`${file} is ${build.gzip - budget} B over the gzip budget of ${budget} B`);
      over = true;
    }
  }
  if (over) process.exit(1);
}
