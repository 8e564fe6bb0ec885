declare module "*.sql" {
  const text: string;
  export default text;
}
declare module "*.mmdb" {
  const path: string;
  export default path;
}
