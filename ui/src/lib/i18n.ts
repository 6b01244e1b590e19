//! The one table of UI strings. zh-CN is the default and the source of the
//! keys; `en` must have every key (the type checker enforces it) with the
//! same `{placeholders}` (a unit test enforces that).
//!
//! Messages that come from the core (`ApiError.message`) are already written
//! for staff in Chinese and are shown as they are.

import { localeState, storeLocale, type Locale } from './locale.svelte';

export type { Locale };

const zh = {
  'app.name': 'PharmaPOS',
  'common.save': '保存',
  'common.saving': '正在保存…',
  'common.saved': '已保存',
  'common.cancel': '取消',
  'common.close': '关闭',
  'common.retry': '重试',
  'common.loading': '正在加载…',
  'common.none': '无',
  'lang.label': '语言',

  'backend.title': '无法连接到后端',
  'backend.hint': '请关闭并重新打开 PharmaPOS。如果问题仍然存在，请联系门店系统管理员。',

  'role.cashier': '收银员',
  'role.pharmacist': '药师',
  'role.manager': '店长',

  'field.staffNo': '工号',
  'field.name': '姓名',
  'field.pin': 'PIN',
  'field.pinAgain': '再次输入 PIN',
  'field.pinHint': '4–8 位数字',
  'field.roles': '角色',

  'validation.required': '请填写{field}',
  'validation.pinFormat': 'PIN 必须是 4–8 位数字',
  'validation.pinMismatch': '两次输入的 PIN 不一致',
  'validation.rolesRequired': '请至少选择一个角色',

  'firstRun.title': '首次使用：创建店长账号',
  'firstRun.intro': '这是一个新的数据库，还没有任何员工。请先创建第一位店长，之后用这个账号登录并添加其他员工。',
  'firstRun.submit': '创建店长账号',
  'firstRun.done': '店长账号已创建，请登录。',

  'login.title': '员工登录',
  'login.submit': '登录',
  'login.submitting': '正在登录…',
  'login.demoTitle': '演示数据库',
  'login.demoHint': '这是演示数据，不是真实门店。演示账号：',
  'login.demoAccount': '{role} {staffNo} / PIN {pin}',

  'topbar.changePin': '修改PIN',
  'topbar.logout': '退出',
  'topbar.tabs': '功能',

  'tab.sale': '收银',
  'tab.pharmacist': '药师',
  'tab.settings': '门店设置',
  'tab.staff': '员工',
  'tab.catalog': '商品目录',

  'changePin.title': '修改 PIN',
  'changePin.old': '当前 PIN',
  'changePin.new': '新 PIN',
  'changePin.again': '再次输入新 PIN',
  'changePin.done': 'PIN 已修改。',

  'sale.scanPlaceholder': '扫码或输入条码 / 名称 / 拼音首字母',
  'sale.scanLabel': '扫码或查找商品',
  'sale.empty': '请扫描商品条码，或输入名称 / 拼音首字母后按 Enter 查找',
  'sale.opening': '正在打开销售单…',
  'sale.total': '合计',
  'sale.itemCount': '共 {count} 件',
  'sale.lineCount': '{count} 种商品',
  'sale.member': '会员：未选择 (F2)',
  'sale.helpHint': 'F1 快捷键帮助',
  'sale.lineHint': 'F4 / * 改数量 · Delete 删除 · ↑↓ 选择',
  'sale.qtyHint': 'Enter 保存 · Esc 取消',
  'sale.deleteConfirm': '再按 Delete 或 Enter 删除此行，Esc 取消',
  'sale.searching': '正在查找…',
  'sale.noResults': '没有找到与「{query}」相关的商品',
  'sale.resultsHint': '↑↓ 选择 · Enter 加入 · Esc 关闭',
  'sale.badQuantity': '数量请输入 1–999 的整数',
  'sale.noLineSelected': '请先用 ↑/↓ 选中一行商品',
  'sale.linesLabel': '商品明细',

  'col.no': '序号',
  'col.name': '商品名称',
  'col.spec': '规格',
  'col.unit': '单位',
  'col.price': '单价',
  'col.qty': '数量',
  'col.amount': '金额',
  'col.staffNo': '工号',
  'col.staffName': '姓名',
  'col.roles': '角色',
  'col.status': '状态',
  'col.line': '行号',
  'col.barcode': '条码',
  'col.reason': '原因',

  'badge.rx': 'Rx',
  'badge.rxTitle': '处方药',
  'badge.ephedrine': '含麻',
  'badge.ephedrineTitle': '含麻黄碱类复方制剂',

  'help.title': '快捷键',
  'help.closeHint': '按 Esc 或 F1 关闭',
  'help.scanner': '扫码枪：随时直接扫描，无需先点输入框',

  'shortcut.help': '打开 / 关闭快捷键帮助',
  'shortcut.member': '会员（后续版本提供）',
  'shortcut.quantity': '修改选中行的数量',
  'shortcut.delete': '删除选中行（再按一次 Delete 或 Enter 确认）',
  'shortcut.select': '上下选择商品行（查找结果中：上下选择商品）',
  'shortcut.escape': '关闭 / 取消',
  'shortcut.enter': '确认：查找、加入商品、保存数量',

  'pharm.title': '商品查询',
  'pharm.placeholder': '输入条码 / 名称 / 拼音首字母，按 Enter 查询',
  'pharm.later': '处方审核和用药随访将在后续版本提供。目前这里只能查询商品的处方、过敏原和用药指导信息。',
  'pharm.pick': '从左侧选择一个商品查看详情',
  'pharm.noResults': '没有找到与「{query}」相关的商品',

  'product.barcode': '条码',
  'product.genericName': '通用名',
  'product.spec': '规格',
  'product.dosageForm': '剂型',
  'product.manufacturer': '生产厂家',
  'product.price': '零售价',
  'product.category': '分类',
  'product.rx': '处方药',
  'product.otc': '非处方药',
  'product.ephedrine': '含麻黄碱类复方制剂（每单限购 2 个最小包装，需登记身份证）',
  'product.insurance': '医保',
  'product.followUp': '用药随访',
  'product.allergens': '过敏原类别',
  'product.daysOfSupply': '可用天数（每销售单位）',
  'product.days': '{days} 天',
  'product.guidance': '用药指导',
  'product.guidanceNone': '暂无用药指导',

  'settings.title': '门店设置',
  'settings.pharmacyName': '药店名称',
  'settings.address': '地址',
  'settings.phone': '电话',
  'settings.licenceNo': '药品经营许可证号',
  'settings.storeCode': '门店编码',
  'settings.hint': '这些信息会打印在小票上。',
  'staff.list': '员工列表',
  'staff.create': '新增员工',
  'staff.createSubmit': '添加员工',
  'staff.active': '在职',
  'staff.inactive': '停用',
  'staff.empty': '还没有员工',
  'staff.created': '已添加员工 {name}（工号 {staffNo}）。',

  'catalog.title': '商品目录导入',
  'catalog.intro': '选择商品目录 CSV 文件。系统会先检查每一行，确认无误后再导入。',
  'catalog.chooseFile': '选择 CSV 文件',
  'catalog.file': '文件：{name}',
  'catalog.checking': '正在检查…',
  'catalog.report': '检查结果',
  'catalog.encoding': '文件编码',
  'catalog.totalRows': '总行数',
  'catalog.goodRows': '无误行数',
  'catalog.errorRows': '有误行数',
  'catalog.noErrors': '没有发现错误，可以导入。',
  'catalog.hasErrors': '发现 {count} 个错误。请修改文件后重新选择，或只导入无误的行。',
  'catalog.import': '导入',
  'catalog.importGood': '仅导入无误的行',
  'catalog.importing': '正在导入…',
  'catalog.progress': '{done} / {total}',
  'catalog.done': '导入完成',
  'catalog.created': '新增商品',
  'catalog.updated': '更新商品',
  'catalog.priceChanges': '价格变更',
  'catalog.notImported': '没有导入任何商品。',
  'catalog.readFailed': '无法读取这个文件',
} as const;

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  'app.name': 'PharmaPOS',
  'common.save': 'Save',
  'common.saving': 'Saving…',
  'common.saved': 'Saved',
  'common.cancel': 'Cancel',
  'common.close': 'Close',
  'common.retry': 'Retry',
  'common.loading': 'Loading…',
  'common.none': 'None',
  'lang.label': 'Language',

  'backend.title': 'Cannot reach the backend',
  'backend.hint': 'Close PharmaPOS and open it again. If this keeps happening, call your store system administrator.',

  'role.cashier': 'Cashier',
  'role.pharmacist': 'Pharmacist',
  'role.manager': 'Manager',

  'field.staffNo': 'Staff no.',
  'field.name': 'Name',
  'field.pin': 'PIN',
  'field.pinAgain': 'PIN again',
  'field.pinHint': '4–8 digits',
  'field.roles': 'Roles',

  'validation.required': 'Please fill in {field}',
  'validation.pinFormat': 'The PIN must be 4–8 digits',
  'validation.pinMismatch': 'The two PINs do not match',
  'validation.rolesRequired': 'Choose at least one role',

  'firstRun.title': 'First start: create the manager account',
  'firstRun.intro': 'This is a new database with no staff yet. Create the first store manager, then sign in with that account and add the other staff.',
  'firstRun.submit': 'Create manager account',
  'firstRun.done': 'Manager account created. Please sign in.',

  'login.title': 'Staff sign-in',
  'login.submit': 'Sign in',
  'login.submitting': 'Signing in…',
  'login.demoTitle': 'Demo database',
  'login.demoHint': 'This is demo data, not a real store. Demo accounts:',
  'login.demoAccount': '{role} {staffNo} / PIN {pin}',

  'topbar.changePin': 'Change PIN',
  'topbar.logout': 'Sign out',
  'topbar.tabs': 'Screens',

  'tab.sale': 'Sale',
  'tab.pharmacist': 'Pharmacist',
  'tab.settings': 'Store settings',
  'tab.staff': 'Staff',
  'tab.catalog': 'Catalog',

  'changePin.title': 'Change PIN',
  'changePin.old': 'Current PIN',
  'changePin.new': 'New PIN',
  'changePin.again': 'New PIN again',
  'changePin.done': 'PIN changed.',

  'sale.scanPlaceholder': 'Scan, or type barcode / name / pinyin initials',
  'sale.scanLabel': 'Scan or find a product',
  'sale.empty': 'Scan a product barcode, or type a name / pinyin initials and press Enter',
  'sale.opening': 'Opening the sale…',
  'sale.total': 'Total',
  'sale.itemCount': '{count} items',
  'sale.lineCount': '{count} products',
  'sale.member': 'Member: none (F2)',
  'sale.helpHint': 'F1 keyboard help',
  'sale.lineHint': 'F4 / * quantity · Delete remove · ↑↓ select',
  'sale.qtyHint': 'Enter save · Esc cancel',
  'sale.deleteConfirm': 'Press Delete or Enter again to remove this line, Esc to cancel',
  'sale.searching': 'Searching…',
  'sale.noResults': 'No product matches “{query}”',
  'sale.resultsHint': '↑↓ choose · Enter add · Esc close',
  'sale.badQuantity': 'Enter a whole number from 1 to 999',
  'sale.noLineSelected': 'Select a line with ↑/↓ first',
  'sale.linesLabel': 'Sale lines',

  'col.no': 'No.',
  'col.name': 'Product',
  'col.spec': 'Spec',
  'col.unit': 'Unit',
  'col.price': 'Price',
  'col.qty': 'Qty',
  'col.amount': 'Amount',
  'col.staffNo': 'Staff no.',
  'col.staffName': 'Name',
  'col.roles': 'Roles',
  'col.status': 'Status',
  'col.line': 'Line',
  'col.barcode': 'Barcode',
  'col.reason': 'Reason',

  'badge.rx': 'Rx',
  'badge.rxTitle': 'Prescription drug',
  'badge.ephedrine': 'EPH',
  'badge.ephedrineTitle': 'Contains ephedrine (compound preparation)',

  'help.title': 'Keyboard shortcuts',
  'help.closeHint': 'Press Esc or F1 to close',
  'help.scanner': 'Scanner: scan at any time, no need to click the input first',

  'shortcut.help': 'Open / close keyboard help',
  'shortcut.member': 'Member (coming in a later version)',
  'shortcut.quantity': 'Change the quantity of the selected line',
  'shortcut.delete': 'Remove the selected line (press Delete or Enter again to confirm)',
  'shortcut.select': 'Move the line selection (in search results: choose a product)',
  'shortcut.escape': 'Close / cancel',
  'shortcut.enter': 'Confirm: search, add product, save quantity',

  'pharm.title': 'Product lookup',
  'pharm.placeholder': 'Type barcode / name / pinyin initials, press Enter',
  'pharm.later': 'Prescription review and medication follow-ups come in a later version. For now this screen looks up a product’s prescription, allergen and guidance information.',
  'pharm.pick': 'Choose a product on the left to see its details',
  'pharm.noResults': 'No product matches “{query}”',

  'product.barcode': 'Barcode',
  'product.genericName': 'Generic name',
  'product.spec': 'Spec',
  'product.dosageForm': 'Dosage form',
  'product.manufacturer': 'Manufacturer',
  'product.price': 'Retail price',
  'product.category': 'Category',
  'product.rx': 'Prescription drug',
  'product.otc': 'Non-prescription',
  'product.ephedrine': 'Contains ephedrine (max. 2 packs per sale, buyer ID required)',
  'product.insurance': 'Medical insurance',
  'product.followUp': 'Follow-up',
  'product.allergens': 'Allergen classes',
  'product.daysOfSupply': 'Days of supply (per unit sold)',
  'product.days': '{days} days',
  'product.guidance': 'Medication guidance',
  'product.guidanceNone': 'No guidance recorded',

  'settings.title': 'Store settings',
  'settings.pharmacyName': 'Pharmacy name',
  'settings.address': 'Address',
  'settings.phone': 'Phone',
  'settings.licenceNo': 'Drug trading licence no.',
  'settings.storeCode': 'Store code',
  'settings.hint': 'These details are printed on receipts.',
  'staff.list': 'Staff list',
  'staff.create': 'Add staff',
  'staff.createSubmit': 'Add',
  'staff.active': 'Active',
  'staff.inactive': 'Inactive',
  'staff.empty': 'No staff yet',
  'staff.created': 'Added {name} (staff no. {staffNo}).',

  'catalog.title': 'Catalog import',
  'catalog.intro': 'Choose a catalog CSV file. Every row is checked first; import once it is right.',
  'catalog.chooseFile': 'Choose CSV file',
  'catalog.file': 'File: {name}',
  'catalog.checking': 'Checking…',
  'catalog.report': 'Check result',
  'catalog.encoding': 'Encoding',
  'catalog.totalRows': 'Rows',
  'catalog.goodRows': 'Good rows',
  'catalog.errorRows': 'Rows with errors',
  'catalog.noErrors': 'No errors found; ready to import.',
  'catalog.hasErrors': '{count} errors found. Fix the file and choose it again, or import only the good rows.',
  'catalog.import': 'Import',
  'catalog.importGood': 'Import good rows only',
  'catalog.importing': 'Importing…',
  'catalog.progress': '{done} / {total}',
  'catalog.done': 'Import finished',
  'catalog.created': 'Products added',
  'catalog.updated': 'Products updated',
  'catalog.priceChanges': 'Price changes',
  'catalog.notImported': 'Nothing was imported.',
  'catalog.readFailed': 'Cannot read this file',
};

const TABLES: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zh, en };

/** The languages offered by the switch, each named in its own language. */
export const LOCALES: ReadonlyArray<{ id: Locale; label: string }> = [
  { id: 'zh-CN', label: '中文' },
  { id: 'en', label: 'English' },
];

export type MessageParams = Record<string, string | number>;

/** Fills `{name}` placeholders; unknown placeholders are left visible so they get noticed. */
export function format(template: string, params?: MessageParams): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** The text for `key` in the current locale. Reactive when read in a component. */
export function t(key: MessageKey, params?: MessageParams): string {
  return format(TABLES[localeState.current][key], params);
}

/** For tests and docs: the raw table of one locale. */
export function messages(locale: Locale): Readonly<Record<MessageKey, string>> {
  return TABLES[locale];
}

export function getLocale(): Locale {
  return localeState.current;
}

export function setLocale(locale: Locale): void {
  storeLocale(locale);
}
