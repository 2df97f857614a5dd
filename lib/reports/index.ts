export * from './reserved-instances';
export * from './write';
export * from './prices-file';
export * from './monitoring';
export * from './checklist';
