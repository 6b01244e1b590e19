import { describe, expect, it } from 'vitest';
import { checkBackupSettings, fileName, fileSize, percent } from './backup';

describe('backup settings', () => {
  const form = { folder: '', keep: '14', dailyAt: '22:30' };

  it('reads the form', () => {
    expect(checkBackupSettings(form)).toEqual({ settings: { folder: '', keep: 14, daily_at: '22:30' } });
    expect(checkBackupSettings({ folder: ' /media/usb/备份 ', keep: '365', dailyAt: '2:05' })).toEqual({
      settings: { folder: '/media/usb/备份', keep: 365, daily_at: '02:05' },
    });
    expect(checkBackupSettings({ ...form, folder: 'D:\\备份', dailyAt: '23：59' })).toEqual({
      settings: { folder: 'D:\\备份', keep: 14, daily_at: '23:59' },
    });
  });

  it('names the field that does not read', () => {
    expect(checkBackupSettings({ ...form, folder: 'backups' })).toEqual({ field: 'folder', key: 'backup.v.folder' });
    for (const keep of ['0', '366', '', 'x', '1.5']) expect(checkBackupSettings({ ...form, keep }), keep).toEqual({ field: 'keep', key: 'backup.v.keep' });
    for (const dailyAt of ['24:00', '12:60', '1230', '']) expect(checkBackupSettings({ ...form, dailyAt }), dailyAt).toEqual({ field: 'dailyAt', key: 'backup.v.dailyAt' });
  });
});

describe('backup text', () => {
  it('sizes, names and progress', () => {
    expect(fileSize(512)).toBe('512 B');
    expect(fileSize(1019904)).toBe('996 KB');
    expect(fileSize(52428800)).toBe('50.0 MB');
    expect(fileName('/tmp/x/backups/pharmapos-20261130-020323.sqlite')).toBe('pharmapos-20261130-020323.sqlite');
    expect(fileName('D:\\备份\\a.sqlite')).toBe('a.sqlite');
    expect(percent(50, 200)).toBe(25);
    expect(percent(5, 0)).toBe(0);
    expect(percent(300, 200)).toBe(100);
  });
});
