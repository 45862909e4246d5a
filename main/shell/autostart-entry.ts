/** The XDG autostart entry (Linux launch at login); pure so it can be tested without Electron. */
export function autostartEntry(execPath: string): string {
  // The Desktop Entry spec: quote the path, escaping " ` $ and \\ with a backslash.
  const quoted = `"${execPath.replace(/(["`$\\])/g, '\\$1')}"`;
  return ['[Desktop Entry]', 'Type=Application', 'Name=QuantAI Backup', `Exec=${quoted} --hidden`, 'X-GNOME-Autostart-enabled=true', ''].join('\n');
}
