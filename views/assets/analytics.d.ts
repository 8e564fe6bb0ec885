// Lets TypeScript accept `import analyticsJs from "./analytics.js" with { type: "text" }` (src/web/assets.ts).
declare const text: string;
export default text;
