// spdx-expression-parse ships no types; only what the catalogers use is declared.
declare module 'spdx-expression-parse' {
  type SpdxNode =
    | { license: string; plus?: boolean; exception?: string }
    | { left: SpdxNode; conjunction: 'and' | 'or'; right: SpdxNode };
  function parse(expression: string): SpdxNode;
  export default parse;
}
