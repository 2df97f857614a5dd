export * from './reserved-capacity';
export * from './sizing';
