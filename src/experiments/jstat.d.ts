// The parts of jstat 1.9.6 (it ships no types) the experiment statistics use.
declare module "jstat" {
  interface Continuous {
    pdf(x: number, ...params: number[]): number;
    cdf(x: number, ...params: number[]): number;
    inv(p: number, ...params: number[]): number;
  }
  export const beta: Continuous;
  export const normal: Continuous;
  export const chisquare: Continuous;
}
