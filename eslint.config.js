import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', '*/dist/', 'node_modules/', 'coverage/', 'bench/.work/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off'
    }
  },
  {
    // Text from users and the API reaches the log only through src/runner/log.ts, which makes it
    // inert; a log line written any other way could run workflow commands.
    files: ['src/**/*.ts'],
    ignores: ['src/runner/log.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "MemberExpression[object.name='core'][property.name=/^(info|warning|error|notice|debug|setFailed|startGroup|group)$/]",
          message: 'Log through src/runner/log.ts, which makes user and API text inert.'
        },
        {
          selector: "MemberExpression[object.name='console']",
          message: 'Log through src/runner/log.ts, which makes user and API text inert.'
        },
        {
          selector: "MemberExpression[object.name='process'][property.name=/^(stdout|stderr)$/]",
          message: 'Log through src/runner/log.ts, which makes user and API text inert.'
        }
      ]
    }
  }
)
