/**
 * What `archiver` is inside Jest (jest.config.js moduleNameMapper). cdktf loads it with the rest of
 * its index (lib/private/fs.js), and loading it costs about 0.3 s per test file, because Jest
 * evaluates every module again for each file. cdktf never calls it in the process that synthesizes:
 * an archive asset is zipped by `node lib/private/fs.js` as a child process, which loads the real
 * package. So in a test this stand-in is never called; if it ever is, it says why it is here.
 */
function archiver(): never {
  throw new Error(
    'archiver was called inside Jest, where it is a stand-in (test-support/archiver-stand-in.ts): ' +
      'cdktf zips archive assets in a child process, so a call here means cdktf changed how it archives',
  );
}

export = archiver;
