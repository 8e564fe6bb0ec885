// Lets TypeScript accept `import appJs from "./app.js" with { type: "text" }` (src/web/assets.ts).
declare const text: string;
export default text;
