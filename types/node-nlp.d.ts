declare module 'node-nlp';
declare module '@nlpjs/*';
