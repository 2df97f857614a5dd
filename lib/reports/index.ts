export * from './reserved-instances';
export * from './write';
