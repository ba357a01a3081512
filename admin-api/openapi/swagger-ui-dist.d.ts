// swagger-ui-dist ships no types. Only its path helper is used: the package's main entry would load the
// whole browser bundle into the server just to learn where the files are.
declare module 'swagger-ui-dist/absolute-path.js' {
  function getAbsoluteFSPath(): string;
  export = getAbsoluteFSPath;
}
