/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    // Babel only strips types (tsc checks them separately); modules stay ESM.
    '^.+\\.ts$': ['babel-jest', { presets: [['@babel/preset-typescript', {}]] }]
  },
  testMatch: ['**/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  collectCoverageFrom: ['src/**/*.ts'],
  testTimeout: 30000
}
