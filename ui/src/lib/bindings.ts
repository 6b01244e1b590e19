// Generated from the Rust API by `cargo run -p pos-cli -- bindings`. Do not edit.

export type Cart = { id: SaleId, opened_at: string, lines: Array<CartLine>, 
/**
 * Σ quantities
 */
item_count: number, 
/**
 * Σ line amounts
 */
total: Money, };

export type CartAddProduct = { cart_id: SaleId, product_id: ProductId, quantity: number | null, };

export type CartGet = { cart_id: SaleId, };

export type CartLine = { id: LineId, product_id: ProductId, barcode: string, name: string, spec: string, unit: string, unit_price: Money, quantity: number, 
/**
 * unit price × quantity, before any member pricing
 */
amount: Money, rx: boolean, ephedrine: boolean, };

export type CartOpen = Record<string, never>;

export type CartRemoveLine = { cart_id: SaleId, line_id: LineId, };

export type CartScan = { cart_id: SaleId, barcode: string, quantity: number | null, };

export type CartSetQuantity = { cart_id: SaleId, line_id: LineId, quantity: number, };

export type CatalogImport = { source: ImportSource, only_good_rows: boolean, };

export type CatalogImportCheck = { source: ImportSource, };

export type ChangePin = { old_pin: string, new_pin: string, };

export type CreateFirstManager = { staff_no: string, name: string, pin: string, };

export type CurrentSession = Record<string, never>;

export type ErrorCode = "BAD_REQUEST" | "UNKNOWN_COMMAND" | "NOT_LOGGED_IN" | "FORBIDDEN" | "WRONG_PIN" | "ACCOUNT_LOCKED" | "ACCOUNT_INACTIVE" | "INVALID_PIN" | "INVALID_STAFF_NO" | "DUPLICATE_STAFF_NO" | "SETUP_ALREADY_DONE" | "INVALID_FIELD" | "INVALID_BARCODE" | "PRODUCT_NOT_FOUND" | "INVALID_QUANTITY" | "INVALID_AMOUNT" | "CART_NOT_FOUND" | "CART_LINE_NOT_FOUND" | "IMPORT_UNREADABLE" | "IMPORT_HAS_ERRORS" | "IMPORT_ROW" | "STORAGE" | "INVALID_PHONE";

export type ImportProgress = { done: number, total: number, };

export type ImportReport = { 
/**
 * `utf-8`, `utf-8-bom` or `gbk`
 */
encoding: string, total_rows: number, good_rows: number, errors: Array<ImportRowError>, 
/**
 * Whether anything was written.
 */
imported: boolean, created: number, updated: number, unchanged: number, price_changes: number, };

export type ImportRowError = { 
/**
 * Line in the file, counting the header as line 1.
 */
line: number, barcode: string | null, code: ErrorCode, message: string, };

export type ImportSource = { path: string | null, content_base64: string | null, };

export type LineId = string;

export type Login = { staff_no: string, pin: string, };

export type Logout = Record<string, never>;

export type Money = string;

export type PharmacySettings = { 
/**
 * 药店名称
 */
name: string, 
/**
 * 地址
 */
address: string, 
/**
 * 电话
 */
phone: string, 
/**
 * 药品经营许可证号
 */
licence_no: string, 
/**
 * 门店编码
 */
store_code: string, };

export type PosError = { code: ErrorCode, message: string, details?: unknown, };

export type Product = { id: ProductId, barcode: string, 
/**
 * 商品名称, as printed on the box
 */
name: string, 
/**
 * 通用名
 */
generic_name: string, 
/**
 * 规格, e.g. 0.25g*24粒
 */
spec: string, 
/**
 * 剂型
 */
dosage_form: string, 
/**
 * 生产厂家
 */
manufacturer: string, 
/**
 * 单位, e.g. 盒
 */
unit: string, price: Money, category: string, 
/**
 * 处方药
 */
rx: boolean, 
/**
 * 含麻黄碱类复方制剂
 */
ephedrine: boolean, 
/**
 * 医保目录内
 */
insurance: boolean, 
/**
 * gets member pricing (off for special-price items)
 */
member_discount: boolean, 
/**
 * earns points
 */
points: boolean, 
/**
 * creates follow-up tasks (chronic, insulin, inhalers)
 */
follow_up: boolean, 
/**
 * 过敏原类别, e.g. 青霉素类
 */
allergen_classes: Array<string>, 
/**
 * days one package lasts at the usual dose
 */
days_of_supply: number | null, 
/**
 * default 用药指导
 */
guidance: string, };

export type ProductByBarcode = { barcode: string, };

export type ProductId = string;

export type ProductSearch = { query: string, limit: number | null, };

export type Role = "cashier" | "pharmacist" | "manager";

export type SaleId = string;

export type Session = { staff: StaffInfo, logged_in_at: string, };

export type SettingsGet = Record<string, never>;

export type SettingsUpdate = { name: string, address: string, phone: string, licence_no: string, store_code: string, };

export type SetupStatus = { 
/**
 * No staff yet: the UI asks for the first manager.
 */
needs_first_manager: boolean, 
/**
 * This is the demo database.
 */
demo: boolean, pharmacy: PharmacySettings, };

export type SetupStatusArgs = Record<string, never>;

export type StaffCreate = { staff_no: string, name: string, roles: Array<Role>, pin: string, };

export type StaffId = string;

export type StaffInfo = { id: StaffId, staff_no: string, name: string, roles: Array<Role>, active: boolean, };

export type StaffList = Record<string, never>;

/** What a call may reject with: a `PosError` from the core, or an error the UI makes itself
 * (its own codes, such as `NO_BACKEND`). */
export type ApiError = Omit<PosError, "code"> & { code: ErrorCode | (string & {}) };

export interface Commands {
  setup_status: { args: SetupStatusArgs, result: SetupStatus };
  create_first_manager: { args: CreateFirstManager, result: StaffInfo };
  login: { args: Login, result: Session };
  logout: { args: Logout, result: null };
  current_session: { args: CurrentSession, result: Session | null };
  change_pin: { args: ChangePin, result: null };
  settings_get: { args: SettingsGet, result: PharmacySettings };
  settings_update: { args: SettingsUpdate, result: PharmacySettings };
  staff_list: { args: StaffList, result: Array<StaffInfo> };
  staff_create: { args: StaffCreate, result: StaffInfo };
  product_by_barcode: { args: ProductByBarcode, result: Product };
  product_search: { args: ProductSearch, result: Array<Product> };
  catalog_import_check: { args: CatalogImportCheck, result: ImportReport };
  catalog_import: { args: CatalogImport, result: ImportReport };
  cart_open: { args: CartOpen, result: Cart };
  cart_get: { args: CartGet, result: Cart };
  cart_scan: { args: CartScan, result: Cart };
  cart_add_product: { args: CartAddProduct, result: Cart };
  cart_set_quantity: { args: CartSetQuantity, result: Cart };
  cart_remove_line: { args: CartRemoveLine, result: Cart };
}
