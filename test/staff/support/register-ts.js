// Lets a spawned `node` run the TypeScript sources directly (as ts-jest does in the tests): the CLI is tested as it is now, without a build.
const ts = require('typescript');
const fs = require('node:fs');
require.extensions['.ts'] = function (module, filename) {
  const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, experimentalDecorators: true, emitDecoratorMetadata: true, resolveJsonModule: true },
  });
  module._compile(out.outputText, filename);
};
