// The service runs on MySQL/MariaDB, and on the embedded SQLite (sql.js) in demo mode; a few statements differ.
import type { DataSourceOptions } from 'typeorm';

/** True for MySQL and MariaDB; pass `dataSource.options`, `manager.connection.options`... */
export function isMysql(options: Pick<DataSourceOptions, 'type'>): boolean {
  return options.type === 'mysql' || options.type === 'mariadb';
}
