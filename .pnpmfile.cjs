// Native addons (better-sqlite3) are compiled with node-gyp. pnpm passes lifecycle scripts only a
// few environment variables, so node-gyp would try to download Node's headers even when the
// running Node ships them. Point it at the local headers when they are there.
const fs = require('node:fs');
const path = require('node:path');

const localNodeDir = () => {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return fs.existsSync(path.join(prefix, 'include', 'node', 'node_version.h')) ? prefix : undefined;
};

module.exports = {
  hooks: {
    updateConfig(config) {
      const nodedir = process.env.npm_config_nodedir || localNodeDir();
      if (nodedir === undefined) return config;
      config.extraEnv = { ...config.extraEnv, npm_config_nodedir: nodedir };
      return config;
    },
  },
};
