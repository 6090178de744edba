declare module 'bcryptjs' {
  export function compareSync(s: string, hash: string): boolean;
  export function compare(s: string, hash: string): Promise<boolean>;
  export function hashSync(s: string, salt?: number | string): string;
}
