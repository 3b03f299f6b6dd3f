declare module 'node-nlp';
declare module '@nlpjs/*';
declare module 'node-nlp/src/classifiers';
