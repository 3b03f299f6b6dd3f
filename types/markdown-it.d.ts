/** The part of markdown-it (the Markdown engine inside Web Chat) the channel tests use. */
declare module 'markdown-it' {
  interface Options {
    html?: boolean;
    linkify?: boolean;
    breaks?: boolean;
    typographer?: boolean;
    xhtmlOut?: boolean;
  }
  class MarkdownIt {
    constructor(options?: Options);
    render(src: string): string;
  }
  export = MarkdownIt;
}
