# ruff: noqa: E501  (a table of message texts: a Chinese text is not broken mid-phrase)
"""The Chinese catalog of `messages`: English message templates and their Chinese.

Each entry is `(english, chinese)`. In the English template `{name}` stands for any text carried
over unchanged (a number, an id, a key path, a header, a value), `{name:t}` for a text that is
prose itself and is translated in turn, `{name:w}` for one token without spaces. Config keys,
ids, file names and headers stay as they are: they are keys and data, not prose.
"""

from __future__ import annotations

__all__ = ["CATALOG", "WORDS"]

_SPARK_TAIL = ("; nothing was written. Give it more: engine.options spark.driver.memory (now "
               "{driver:v}), spark.executor.memory (now {executor:v}), or spread the work "
               '(spark.sql.shuffle.partitions) (docs/kernel.md, "Memory")')
_SPARK_TAIL_ZH = ("；没有写入任何文件。请为它提供更多资源：engine.options 中的 spark.driver.memory"
                  "（当前为 {driver}）、spark.executor.memory（当前为 {executor}），或把计算分得更细"
                  "（spark.sql.shuffle.partitions）（docs/kernel.md，“Memory”一节）")

WORDS: dict[str, str] = {
    # whole texts without placeholders, looked up before the templates
    "empty cell": "空单元格",
    # the system's reasons a file or folder could not be written (OSError.strerror)
    "No such file or directory": "文件夹不存在",
    "Not a directory": "路径中有一个文件而不是文件夹",
    "Is a directory": "这是一个文件夹",
    "File exists": "已有同名文件",
    "Permission denied": "没有写入权限",
    "Read-only file system": "文件系统为只读",
    "No space left on device": "磁盘空间已满",
    "Disk quota exceeded": "超出磁盘配额",
    "File name too long": "文件名过长",
    "Operation not permitted": "操作不被允许",
    # the kind of a YAML value given where another was expected (`config._as_written`)
    "a list": "列表",
    # a Parquet number column stored as a narrow float (`io.readers._narrow_floats`)
    "a 32-bit float holds about 7 significant digits: 1309982.73 is read back as 1309982.75":
        "32 位浮点数只有约 7 位有效数字：1309982.73 读回来是 1309982.75",
    "a 16-bit float holds about 3 significant digits: 1234.56 is read back as 1235":
        "16 位浮点数只有约 3 位有效数字：1234.56 读回来是 1235",
    "a column stored as double (float64) or decimal, such as decimal(18, 2) for amounts: write "
    "the file again from the source data":
        "以 double（float64）或 decimal 类型存储的列（金额可用 decimal(18, 2)）：请从源数据重新导出该文件",
    # YAML's tokens in its problems (`expected {what:v}, but found {found:v}`)
    "<block end>": "缩进块的结束", "'<block end>'": "缩进块的结束",
    "'<block mapping start>'": "新的一组键", "'<block sequence start>'": "新的列表",
    "'<stream end>'": "文件结尾", "'<scalar>'": "一个值", "'<document start>'": "文档开始",
    "',' or ']'": "“,”或“]”", "',' or '}'": "“,”或“}”",
    "'<block mapping end>'": "一组键的结束", "'<flow mapping start>'": "“{”",
    "'<flow sequence start>'": "“[”", "'<flow mapping end>'": "“}”",
    "'<flow sequence end>'": "“]”", "'<key>'": "键", "'<value>'": "值", "'<alias>'": "别名",
    "'<anchor>'": "锚点", "'<tag>'": "标签", "'<block entry>'": "列表项“-”",
    "'<flow entry>'": "“,”",
    "a mapping": "映射",
    "charts: no CJK font is installed (e.g. Noto Sans CJK SC: apt-get install fonts-noto-cjk), so "
    "the PNG charts are labelled in English and Chinese names are replaced by #n; the workbook's "
    "native charts are unaffected":
        "图表：未安装中文字体（例如 Noto Sans CJK SC：apt-get install fonts-noto-cjk），因此 PNG "
        "图表以英文标注，中文名称以 #n 代替；工作簿中的原生图表不受影响",
    "value not allowed": "取值不在允许范围内",
    "not a number": "不是数字",
    "value out of range": "数值超出范围",
    "not a valid date": "不是有效日期",
    "percentage in a column of plain numbers": "普通数字列中出现百分数",
    "Excel date serial in a text file": "文本文件中出现 Excel 日期序号",
    "comma that is not a thousands separator": "逗号不是千位分隔符",
    "a number with a point as the decimal mark (19503.12), commas only between groups of three "
    "digits (1,234.50)":
        "以小数点表示小数的数字（19503.12），逗号只能用于每三位数字之间的千位分隔（1,234.50）",
    "date with a time of day": "日期带有时刻",
    "the xlsx statements show them": "xlsx 绩效单可正常显示这些字符",
    "xlsx statements show them (output.statements: both)":
        "xlsx 绩效单可正常显示这些字符（output.statements: both）",
    "a date without a time, such as 2026-10-31 (a time of day cannot be placed within the "
    "period's days: export the column as a date)":
        "不带时刻的日期，如 2026-10-31（带时刻的值无法归入考核期的某一天：请将该列导出为日期）",
    "timestamps with a time zone": "带时区的时间戳",
    "dates (a Parquet date column), or timestamps without a time zone at midnight: cast the "
    "column to a date in the zone of the bank's books":
        "日期（Parquet 日期列），或不带时区、时刻为零点的时间戳：请按本行账务所在时区将该列转换为日期",
    "the whole header is one column": "整行表头只读成了一列",
    "merged cells": "合并单元格",
    "formula without a saved value": "公式没有保存的计算结果",
    "the formula's value: open the workbook in Excel or WPS and save it again (the program that "
    "wrote it saved no values), or paste the column as values":
        "公式的计算结果：请用 Excel 或 WPS 打开该工作簿并重新保存（生成它的程序没有保存计算结果），"
        "或将该列选择性粘贴为数值",
    "Parquet files with the same columns (write every file of the table with one schema)":
        "列相同的多个 Parquet 文件（请以同一种结构写出此表的每个文件）",
    "Parquet files": "Parquet 文件",
    "file not found": "文件不存在",
    "is a folder, not a file": "是文件夹，不是文件",
    "the file is empty": "文件为空",
    "the sheet is empty": "工作表为空",
    "a header row with the column names": "一行写有列名的表头",
    "the path of one CSV, XLSX or Parquet file": "一个 CSV、XLSX 或 Parquet 文件的路径",
    "an existing CSV or XLSX file (a relative path is read from the current folder)":
        "一个存在的 CSV 或 XLSX 文件（相对路径从当前文件夹读取）",
    "an existing file (paths are relative to the config file's folder)":
        "一个存在的文件（路径相对于配置文件所在的文件夹）",
    "an .xlsx file": "一个 .xlsx 文件",
    "a Parquet file": "一个 Parquet 文件",
    "Parquet files with the same columns": "列相同的多个 Parquet 文件",
    "required column is missing": "缺少必需的列",
    "column missing": "缺少列",
    "mapped header not found in the file": "文件中找不到映射的表头",
    "duplicate key": "键重复",
    "the column is given twice": "该列出现了两次",
    "the headers are not on the header row": "表头不在表头行上",
    "the table has a header but no rows": "表只有表头，没有数据行",
    "at least one data row (or leave the table out of inputs: if it is optional, the run goes "
    "on without it)": "至少一行数据（若此表为可选，也可将其从 inputs: 中去掉，运行照常进行）",
    "the file changed while the run read it": "运行读取期间文件被修改",
    "the table changed while the run read it": "运行读取期间表被修改",
    "a table no job writes to during the run (run again once the job that writes it has "
    "finished)": "运行期间没有作业写入的表（待写入它的作业完成后重新运行）",
    "a file that stays as it is for the whole run (run again once the export that writes it "
    "has finished)": "在整个运行期间保持不变的文件（待写入它的导出完成后重新运行）",
    "amounts total too large": "金额合计过大",
    "amounts too large for the exact sums": "金额过大，无法精确求和",
    "manager not in the roster": "客户经理不在名册中",
    "leave_date is before hire_date": "离职日期（leave_date）早于入职日期（hire_date）",
    "text a spreadsheet would run as a formula": "电子表格会当作公式执行的文本",
    "plain text, not beginning with =, +, @, a tab or a line break, nor - directly followed by "
    "text (Excel and WPS run such a cell of the CSVs this run writes as a formula); put ' before "
    "it to keep it as written":
        "普通文本，不以 =、+、@、制表符或换行开头，也不以 - 紧接文字开头（本次运行写出的 CSV "
        "在 Excel 和 WPS 中打开时，这样的单元格会被当作公式执行）；如需保留原样，请在前面加 '",
    "account is credited to no one": "账户未分配给任何客户经理",
    "amount is required": "金额为必填项",
    "manager_id is required": "manager_id（客户经理编号）为必填项",
    "negative balance": "余额为负",
    "not a number ": "不是数字",
    "whole file": "整个文件",
    "judgment is not a number": "判断值不是数字",
    "indicator not declared in scorecard config": "指标未在 scorecard 配置中声明",
    "unknown rater type": "未知的评价人类型",
    "split account appears more than once in the business table": "分成账户在业务表中出现多次",
    "split account not in the business table": "分成账户不在业务表中",
    "the same comparison is given twice by this expert": "同一专家对同一对指标给出了两次比较",
    "category differs from the product's category in rorac.products":
        "业务大类与 rorac.products 中该产品的业务大类不一致",
    "a date": "一个日期",
    "a number": "一个数字",
    "a non-empty text": "一段非空文本",
    "a number >= 0": "一个 >= 0 的数字",
    "a number (or default_target / missing_target: zero in the config)":
        "一个数字（或在配置中设置 default_target / missing_target: zero）",
    "a number or a fraction such as 3, 1/3 or 0.5": "一个数字或分数，如 3、1/3 或 0.5",
    "a plain number: write 95% as 0.95 (the column is not a percentage)":
        "普通数字：95% 应写作 0.95（此列不是百分数列）",
    "a date such as 2026-10-31: the number is an Excel date serial; format the column as a "
    "date in Excel before saving as CSV, or read the .xlsx file itself":
        "如 2026-10-31 的日期：此数字是 Excel 日期序号；请在 Excel 中将该列设为日期格式后再另存为 "
        "CSV，或直接读取 .xlsx 文件",
    "a date such as 2026-10-31 (YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD or 2026年10月31日)":
        "如 2026-10-31 的日期（YYYY-MM-DD、YYYY/MM/DD、YYYYMMDD 或 2026年10月31日）",
    "a manager_id, or the account in credit_splits": "一个 manager_id（客户经理编号），或在 "
        "credit_splits 中分配该账户",
    "each account once per period": "每个账户每期一次",
    "one row per matrix, expert and pair": "每个判断矩阵、专家和指标对一行",
    "the category configured for the product": "该产品配置的业务大类",
    "UTF-8 text up to here, then another encoding (rows pasted from another export?)":
        "此前为 UTF-8 文本，此后为另一种编码（是否粘贴了另一次导出的行？）",
    "sums per manager, category and vintage within the kernel's 38 digits (with credit splits "
    "about 10^13 yuan of balance × rate in one manager's category)":
        "每位客户经理、业务大类和存量/增量的合计在内核的 38 位数字之内（含业绩分成时，单个客户经理"
        "单个业务大类的余额 × 费率约 10^13 元）",
    "an amount of at most 1,000,000,000,000,000 cents in magnitude (the record's account_id "
    "shown)": "绝对值不超过 1,000,000,000,000,000 分的金额（显示的是该记录的 account_id）",
    # config
    "config file not found": "配置文件不存在",
    "config file must be UTF-8 text": "配置文件必须是 UTF-8 文本",
    "the file must hold a YAML mapping (key: value lines)": "文件内容必须是 YAML 映射（“键: 值”行）",
    "a YAML alias refers to itself": "YAML 别名引用了自身",
    "required key is missing": "缺少必需的键",
    "unknown key (a typo here could silently change someone's pay)":
        "未知的键（此处的拼写错误可能悄无声息地改变某人的薪酬）",
    "--set: not a section (its parent holds a value)": "--set：不是一个配置节（其上级是一个值）",
    # stages' input checks
    "allocations total more than the shared pool holds": "分配合计超过公共绩效池的余额",
    "share out of range": "分成比例超出范围",
    "a number in (0, 1]": "(0, 1] 之间的数字",
    "the same credit is listed twice": "同一业绩分成列了两次",
    "each account and manager once": "每个账户与客户经理的组合只出现一次",
    "not a finite number": "不是有限数字",
    "manager has no credited business to carry a cost without a category":
        "该客户经理没有已分配的业务，无法承担未指定业务大类的成本",
    "a category in the category column, or no row for this manager":
        "在 category 列填写业务大类，或删去此客户经理的行",
    "unknown category": "未知的业务大类",
    "an id from rorac.categories or blank": "rorac.categories 中的编号，或留空",
    "a number, or blank to use the configured rate": "一个数字，或留空以使用配置的费率",
    "unknown AHP matrix id": "未知的 AHP 判断矩阵编号",
    "judgment must be positive": "判断值必须为正",
    "a value > 0": "一个 > 0 的值",
    "a criterion compared with itself must be 1": "指标与自身比较必须为 1",
    "1 or blank": "1 或留空",
    "judgment is outside Saaty's scale": "判断值超出 Saaty 1–9 标度",
    "1/9..9 (or set weights.scale: any_positive)": "1/9..9（或设置 weights.scale: any_positive）",
    "an expert who judged (or remove the weight)": "一位给出过判断的专家（或删去该权重）",
    "a weight for every expert, or no expert_weights": "每位专家一个权重，或不设 expert_weights",
    "inputs.judgments (the experts' judgments), or fixed weights":
        "inputs.judgments（专家判断表），或固定权重",
    "a value, or set weights.completion: harker": "一个值，或设置 weights.completion: harker",
    "one row per manager and indicator": "每位客户经理每个指标一行",
    "rating outside the configured scale": "评分超出配置的分值范围",
    "each account_id once": "每个 account_id 只出现一次",
    "a date column": "日期列",
    "no Parquet files found": "找不到 Parquet 文件",
    "a Parquet file, a folder of them or a glob such as business/*.parquet":
        "一个 Parquet 文件、存放 Parquet 文件的文件夹，或 business/*.parquet 这样的通配路径",
    "amounts in yuan as numbers (decimal with at most 2 decimals, integer or float)":
        "以元为单位的数值金额（最多两位小数的定点数、整数或浮点数）",
    "a catalog table needs engine: {name: spark}": "目录表需要 engine: {name: spark}",
    "a table of the session's catalog (db.table)": "会话目录中的表（db.table）",
    "credit splits from the catalog need the business table from it too":
        "来自目录的业绩分成表要求业务表也来自目录",
    "no expert matrix to combine": "没有可合并的专家判断矩阵",
    "expert weights must be one positive number per expert matrix":
        "专家权重必须是每个专家判断矩阵一个正数",
    # config sections
    "--revision needs a history: section (the ledger of closed periods)":
        "--revision 需要 history: 配置节（已关账期间的台账）",
    "give at least one column ({source, header}), or leave payroll_csv out of output.files":
        "至少给出一列（{source, header}），或将 payroll_csv 从 output.files 中去掉",
    "history.url must name a database (a file path or a URL), or be left out":
        "history.url 必须指明一个数据库（文件路径或 URL），或不写",
    "history.url must not carry a password (it would be stored in the manifest); put it in "
    "PGPASSWORD, history.password_env or history.password_file":
        "history.url 不能包含密码（否则会被记入 manifest）；请放在 PGPASSWORD、"
        "history.password_env 或 history.password_file 中",
    "leaver_reasons applies only with leavers: by_reason": "leaver_reasons 仅在 leavers: by_reason 时适用",
    "bonus.shared_pool.carry_in: from_history needs a history: section (the ledger the carry-in "
    "is read from)": "bonus.shared_pool.carry_in: from_history 需要 history: 配置节（读取上期结转的台账）",
    "deferral: needs a history: section (the ledger that holds the deferred tranches)":
        "deferral: 需要 history: 配置节（保存递延批次的台账）",
    "clawback: needs a deferral: section": "clawback: 需要 deferral: 配置节",
    "give either path (a file) or table (a Spark catalog table)":
        "请给出 path（文件）或 table（Spark 目录表）之一",
    "header_row applies to CSV and XLSX files; a Parquet file has named columns: leave "
    "header_row out": "header_row 仅适用于 CSV 和 XLSX 文件；Parquet 文件的列自带名称：请去掉 header_row",
    "a catalog table (table:) takes no file settings (format, encoding, sheet, delimiter, "
    "header_row, columns)": "目录表（table:）不接受文件设置（format、encoding、sheet、delimiter、"
        "header_row、columns）",
    "must be a number from 0 to 1": "必须是 0 到 1 之间的数字",
    "must be >= 0": "必须 >= 0",
    "must be <= 1": "必须 <= 1",
    "must be a finite amount in yuan": "必须是以元为单位的有限金额",
    "must be a whole number of cents (two decimals)": "必须是整数分（两位小数）",
    "pool_amount is required when mode is 'fixed_pool'": "mode 为 'fixed_pool' 时必须给出 pool_amount",
    "justification must be written out (not blank)": "必须写明理由（不能为空）",
    "better: higher needs scores that never fall as x rises": "better: higher 要求得分随 x 增大而不下降",
    "better: lower needs scores that never rise as x rises": "better: lower 要求得分随 x 增大而不上升",
    "to_low must not exceed to_high": "to_low 不能大于 to_high",
    "lower_better needs a cap or rule.zero_actual_score (score at 0)":
        "lower_better 需要 cap 或 rule.zero_actual_score（实际值为 0 时的得分）",
    "zero_target: cap_if_exceeded needs a cap": "zero_target: cap_if_exceeded 需要 cap",
    "type weights must be finite and >= 0": "各评价人类型的权重必须是有限数且 >= 0",
    "at least one rater type needs a positive weight": "至少有一个评价人类型的权重为正",
    "min_raters must be >= 1": "min_raters 必须 >= 1",
    "bands: every grade but the last needs min_score": "bands：除最后一个等级外，每个等级都需要 min_score",
    "bands: the last grade takes every lower score; leave its min_score empty":
        "bands：最后一个等级涵盖所有更低的得分；其 min_score 请留空",
    "bands: min_score must fall strictly from the best grade down":
        "bands：min_score 必须从最高等级起严格递减",
    "denominator must be positive": "分母必须为正",
    "Field required": "缺少必需的键",
    "field required": "缺少必需的键",
    "a note is required when the reason is 'other'": "分配原因为 'other' 时必须填写备注",
    "a reason is required": "必须填写分配原因",
    "amount is not a number": "金额不是数字",
    "amount must be a whole number of cents": "金额必须是整数分",
    "amount must be positive": "金额必须为正",
    "approved_by is required (who approved it)": "approved_by（审批人）为必填项",
    "no row for this manager and indicator": "没有此客户经理此指标的行",
    "target is 0, so the completion ratio is undefined": "目标值为 0，完成率无定义",
    "actual is missing": "缺少实际值",
    "pay_base must not be negative": "绩效工资基数（pay_base）不能为负",
    "> 0": "> 0",
    "a base_by_job_level table": "一张 base_by_job_level 表",
    "an amount in yuan, e.g. 1200.50": "以元为单位的金额，如 1200.50",
    "at most two decimals": "最多两位小数",
    "true / false per manager": "每位客户经理 true / false",
    "the same criteria in the same order in the first row and the first column":
        "首行与首列中相同的指标、相同的顺序",
    "a number > 0 <= 1 (a fraction such as 0.6, or 60%)": "一个 > 0 且 <= 1 的数字（如 0.6 或 60%）",
    "a non-zero target (or rule zero_target: cap_if_exceeded)":
        "一个非零目标值（或评分规则 zero_target: cap_if_exceeded）",
    "integer cents (BIGINT or DECIMAL(p, 0))": "整数分（BIGINT 或 DECIMAL(p, 0)）",
    "name the ledger with --config CONFIG (its history: section) or --ledger URL, one of the two":
        "请用 --config CONFIG（其 history: 配置节）或 --ledger URL 指明台账，二者选一",
    # the command line
    "interrupted; nothing was written": "已中断；没有写入任何文件",
    # ---- AHP matrices, ledger, engines (other error texts) -------------------------------------
    "judgment and its mirror are not reciprocal": "判断值与其对称单元格的值不互为倒数",
    "judgment missing": "缺少判断值",
    "a value in this cell or in its mirror cell": "在此单元格或其对称单元格中填写一个值",
    "1/9..9 (or set scale: any_positive)": "1/9..9（或设置 scale: any_positive）",
    "the matrix is not square": "矩阵不是方阵",
    "n rows and n columns": "n 行 n 列",
    "criteria do not match the matrix": "指标与矩阵不符",
    "criterion named twice": "指标名称重复",
    "distinct criterion names": "互不相同的指标名称",
    "judgment is not a positive number": "判断值不是正数",
    "diagonal judgment must be 1": "对角线上的判断值必须为 1",
    "row has the wrong number of cells": "该行的单元格数不对",
    "only one of the mirror cells is blank": "一对对称单元格中只有一个为空",
    "both cells blank (missing) or both given": "两个单元格都留空（缺失）或都填写",
    "memory": "内存",
    "temporary disk": "临时磁盘空间",
    "dimension weights": "维度权重",
    "Spark’s default": "Spark 的默认值",
    "catalog tables need engine: {name: spark}": "目录表需要 engine: {name: spark}",
    "give either a matrix FILE or --config CONFIG (not both)":
        "请给出矩阵文件 `FILE` 或 `--config CONFIG` 二者之一（不能同时给出）",
    "--sensitivity needs --config CONFIG (the managers' scores)":
        "--sensitivity 需要 --config CONFIG（客户经理的得分）",
}

CATALOG: tuple[tuple[str, str], ...] = (
    # ---- input files ---------------------------------------------------------------------
    ("cannot be decoded as {encoding}", "无法按 {encoding} 解码"),
    ("one encoding for the whole file: save it again as UTF-8, or set `encoding` (try {hint}) "
     "if the whole file is in one",
     "整个文件使用同一种编码：请将其另存为 UTF-8；若整个文件是同一种编码，也可设置 `encoding`"
     "（可试 {hint}）"),
    ("not a well-formed CSV file ({reason})", "不是格式正确的 CSV 文件（{reason}）"),
    ("one record per line, fields separated by {delimiter}", "每行一条记录，字段以 {delimiter} 分隔"),
    ("cannot be opened as an Excel workbook ({reason})", "无法作为 Excel 工作簿打开（{reason}）"),
    ("has no sheet named {sheet}", "没有名为 {sheet} 的工作表"),
    ("cannot be read as Parquet ({reason})", "无法按 Parquet 读取（{reason}）"),
    ("cannot be read as one Parquet table ({reason})", "无法作为一张 Parquet 表读取（{reason}）"),
    ("{file:w} has other columns than {first:w} (lacks {lacks}; adds {adds})",
     "{file} 的列与 {first} 不同（缺少 {lacks}；多出 {adds}）"),
    ("{file:w} has other columns than {first:w} (lacks {lacks})",
     "{file} 的列与 {first} 不同（缺少 {lacks}）"),
    ("{file:w} has other columns than {first:w} (adds {adds})",
     "{file} 的列与 {first} 不同（多出 {adds}）"),
    ("fields separated by {delimiter}: the headers are separated by {other}; set `{setting}` "
     "for this table in `inputs:`",
     "以 {delimiter} 分隔的字段：表头是以 {other} 分隔的；请在 `inputs:` 中为此表设置 `{setting}`"),
    ("one value in every cell: unmerge {coord} and fill each of its cells",
     "每个单元格各有一个值：请取消合并 {coord}，并在其中每个单元格填入值"),
    ("a header named {name} (headers found: {found}; map other header names with `columns:` "
     "in the config)",
     "名为 {name} 的表头（找到的表头：{found}；其他表头名可在配置的 `columns:` 中映射）"),
    ("headers found: {found}", "找到的表头：{found}"),
    ("one of the ids in {key}: {ids}", "{key} 中的编号之一：{ids}"),
    ("one of {choices}", "以下之一：{choices}"),
    ("columns {names}", "列 {names}"),
    ("`columns:` maps a column the table does not have", "`columns:` 映射了表中没有的列"),
    ("one column named {name} (it is column {at:t}): delete or rename the other, or map only one "
     "with `columns:`",
     "只有一列名为 {name}（现为第 {at} 列）：删除或重命名另一列，或在 `columns:` 中只映射其中一列"),
    ("set `header_row: {row}` for this table in `inputs:` (the headers appear on row {found}; "
     "the rows above them look like a title)",
     "在 `inputs:` 中为此表设置 `header_row: {row}`（表头出现在第 {found} 行；其上方的行看起来是标题）"),
    ("a column whose amounts total at most {limit} yuan in magnitude (every figure then fits "
     "exact integer cents)",
     "金额绝对值合计不超过 {limit} 元的列（这样每个数都能精确表示为整数分）"),
    ("a column whose amounts total at most {limit} cents in magnitude",
     "金额绝对值合计不超过 {limit} 分的列"),
    ("an amount in yuan, at most {limit} in magnitude", "以元为单位的金额，绝对值不超过 {limit}"),
    ("an amount in yuan {op:w} {bound}, at most {limit} in magnitude",
     "以元为单位、{op} {bound} 的金额，绝对值不超过 {limit}"),
    ("an amount of at most {limit} cents in magnitude", "绝对值不超过 {limit} 分的金额"),
    ("each {key} once (first seen on row {row})", "每个 {key} 只出现一次（首次出现在第 {row} 行）"),
    ("a manager_id listed in {file}", "{file} 中列出的 manager_id（客户经理编号）"),
    ("an account_id of {file}", "{file} 中的 account_id（账户编号）"),
    ("hire_date {date} or later", "不早于入职日期 {date}"),
    ("booked after the end of period {period}", "入账日期晚于考核期 {period} 的期末"),
    ("a booking date on or before {date}", "不晚于 {date} 的入账日期"),
    ("unknown product ({n} row, first shown)", "未知的产品（{n} 行，显示第一行）"),
    ("unknown product ({n} rows, first shown)", "未知的产品（{n} 行，显示第一行）"),
    ("shares of account {account} sum to {total}", "账户 {account} 的分成比例合计为 {total}"),
    ("shares summing to 1 (tolerance {tolerance})", "合计为 1 的分成比例（容差 {tolerance}）"),
    ("not a criterion of matrix {matrix}", "不是判断矩阵 {matrix} 的指标"),
    ("rows {rows} to connect every criterion", "第 {rows} 行，使所有指标相互连通"),
    ("indicator {indicator}, manager {manager}: target is missing",
     "指标 {indicator}，客户经理 {manager}：缺少目标值"),
    ("expert {expert}: {rest:t}", "专家 {expert}：{rest}"),
    ("matrix {matrix}: the judgments given do not connect all criteria, so the missing ones "
     "cannot be completed. Separate groups: {groups}. Add at least one comparison between each "
     "pair of groups.",
     "判断矩阵 {matrix}：已给出的判断未能连通所有指标，无法补全缺失的判断。互不相连的组："
     "{groups}。请在每两组之间至少补充一个比较。"),
    # ---- config ------------------------------------------------------------------------------
    ("config file is larger than {size} bytes; a config holds settings, not data (put tables "
     "in inputs)",
     "配置文件大于 {size} 字节；配置只存放设置，不存放数据（表格请放在 inputs 中）"),
    ("config file must be UTF-8 text (line {line} is not): save it as UTF-8",
     "配置文件必须是 UTF-8 文本（第 {line} 行不是）：请另存为 UTF-8 编码"),
    ("config file must be UTF-8 text; it is saved as GBK (line {line}): save it as UTF-8 (in "
     "Notepad: Save as, Encoding UTF-8)",
     "配置文件必须是 UTF-8 文本；该文件以 GBK 编码保存（第 {line} 行）：请另存为 UTF-8 编码"
     "（记事本中：“另存为”，编码选 UTF-8）"),
    ("line {line}, column {column}: not valid YAML ({problem:t}): {hint:t}",
     "第 {line} 行第 {column} 列：不是有效的 YAML（{problem}）：{hint}"),
    ("line {line}, column {column}: not valid YAML ({problem:t})",
     "第 {line} 行第 {column} 列：不是有效的 YAML（{problem}）"),
    ("not valid YAML ({problem:t}): {hint:t}", "不是有效的 YAML（{problem}）：{hint}"),
    ("not valid YAML ({problem:t})", "不是有效的 YAML（{problem}）"),
    # PyYAML's problems (`config.load_config`) and what to do about them (`config._YAML_HINTS`)
    ("mapping values are not allowed here", "此处不能出现“: ”"),
    ("found character {char} that cannot start any token", "出现了不能用在此处的字符 {char}"),
    ("could not find expected ':'", "找不到应有的“:”"),
    ("expected {what:v}, but found {found:v}", "此处应为{what}，却出现了{found}"),
    ("expected {what:v}, but got {found:v}", "此处应为{what}，却出现了{found}"),
    ("found unexpected end of stream", "文件意外结束"),
    ("found undefined alias {name}", "出现了未定义的别名 {name}"),
    ("found unknown escape character {char}", "出现了未知的转义字符 {char}"),
    ("indent with spaces, not tabs", "请用空格缩进，不要用制表符（Tab）"),
    ("check the indentation of this line, and put a value holding ': ' in quotes",
     "请检查该行的缩进；值中含有“: ”时请加引号"),
    ("each setting is 'key: value', with a space after the colon",
     "每项设置写作“键: 值”，冒号后要有空格"),
    ("this line is indented differently from the keys beside it", "该行的缩进与同级的键不一致"),
    ("a '[' or '{' is not closed", "有未闭合的“[”或“{{”"),
    ("a quote is not closed", "有未闭合的引号"),
    ("a '*' starts an alias: put a value starting with '*' in quotes",
     "“*”表示 YAML 别名：以“*”开头的值请加引号"),
    ("in double quotes a backslash starts an escape: use single quotes for a Windows path",
     "双引号中的反斜杠表示转义：Windows 路径请用单引号"),
    ("given twice, on lines {a} and {b}; keep one", "出现了两次（第 {a} 行和第 {b} 行）；请只保留一个"),
    ("expands to more than {n} values (YAML aliases); write the values out",
     "展开后超过 {n} 个值（YAML 别名）；请直接写出这些值"),
    ("numbers stored as {kind} ({why:t})", "数值以 {kind} 类型存储（{why}）"),
    ("text a spreadsheet would run as a formula, got {value}; expected {expected:t}",
     "电子表格会当作公式执行的文本（实际为 {value}）；要求：{expected}"),
    ("must be >= {bound}, got {value}", "必须 >= {bound}（实际为 {value}）"),
    ("must be <= {bound}, got {value}", "必须 <= {bound}（实际为 {value}）"),
    ("must be > {bound}, got {value}", "必须 > {bound}（实际为 {value}）"),
    ("must be < {bound}, got {value}", "必须 < {bound}（实际为 {value}）"),
    ("{message:t}; did you mean {key}?", "{message}；是否应为 {key}？"),
    ("{message:t}; allowed keys: {keys}", "{message}；允许的键：{keys}"),
    ("period must look like 2026-10 (month), 2026-Q4, 2026-H2 or 2026, got {value}",
     "考核期应形如 2026-10（月）、2026-Q4、2026-H2 或 2026（实际为 {value}）"),
    ("period year must be from {low} to {high}, got {value}",
     "考核期的年份必须在 {low} 到 {high} 之间（实际为 {value}）"),
    ("period month must be 01..12 (e.g. 2026-10), got {value}",
     "考核期的月份必须为 01..12（如 2026-10）（实际为 {value}）"),
    ("a scale rule cannot score source {source} (an amount with no bounds); use kind: ratio or "
     "piecewise",
     "scale 评分规则无法为数据来源 {source} 评分（没有上下限的金额）；请使用 kind: ratio 或 "
     "piecewise"),
    ("--set {item}: expected KEY=VALUE with KEY a key path such as "
     "bonus.shared_pool.withhold_rate or scorecard.grading.grades[0].min_score",
     "--set {item}：应为 KEY=VALUE，其中 KEY 是键路径，如 bonus.shared_pool.withhold_rate 或 "
     "scorecard.grading.grades[0].min_score"),
    ("--set: value {text} is not a YAML value", "--set：值 {text} 不是 YAML 值"),
    ("--set gives this key twice ({a} and {b}); keep one",
     "--set 两次给出了这个键（{a} 和 {b}）；请只保留一个"),
    ("--set: no list item [{i}] here ({n} item(s))", "--set：此处没有列表项 [{i}]（共 {n} 项）"),
    ("--set: no list item [{i}] here", "--set：此处没有列表项 [{i}]"),
    ("unknown placeholder {name}, got {value}; the folder may use {allowed}",
     "未知的占位符 {name}（实际为 {value}）；输出文件夹只能使用 {allowed}"),
    ("a brace that is not a placeholder, got {value}; the folder may use {allowed} (a brace "
     "itself is written twice: {braces})",
     "有一个不是占位符的花括号（实际为 {value}）；输出文件夹只能使用 {allowed}（花括号本身要写两次："
     "{braces}）"),
    ("grade {better} pays less than the grade below it, {worse} (coefficient {a} < {b}): grades "
     "are listed best first, their coefficients never rising down the list",
     "等级 {better} 的绩效工资调节系数低于其下一等级 {worse}（系数 {a} < {b}）：等级须按从优到差的顺序"
     "列出，系数自上而下不得升高"),
    ("the key {key} is missing: give one of {kinds}", "缺少键 {key}：请给出以下之一：{kinds}"),
    ("floor ({floor}) is above cap ({cap}): no gross bonus can keep both; lower the floor or raise "
     "the cap",
     "保底（{floor}）高于封顶（{cap}）：没有任何应发奖金能同时满足两者；请降低保底或提高封顶"),
    ("minimum_guarantee.amount ({amount}) is above cap ({cap}): no gross bonus can keep both; "
     "lower the guarantee or raise the cap",
     "minimum_guarantee.amount（{amount}）高于封顶（{cap}）：没有任何应发奖金能同时满足两者；"
     "请降低最低保障或提高封顶"),
    ("pool_amount has no effect unless mode: fixed_pool (it is {mode}): remove it, or set mode: "
     "fixed_pool",
     "pool_amount 仅在 mode: fixed_pool 时生效（当前为 {mode}）：请删去它，或设置 mode: fixed_pool"),
    ("source: table reads the manager_costs table, which inputs: does not name (every cost would "
     "be 0): add inputs.manager_costs, or choose source: allocate with a total",
     "source: table 读取 manager_costs 表，但 inputs: 中没有这张表（每项成本都将为 0）：请添加 "
     "inputs.manager_costs，或选择 source: allocate 并给出 total"),
    ("the year must be from {low} to {high}, got {value}",
     "年份必须在 {low} 到 {high} 之间（实际为 {value}）"),
    ("{date} is after the period {period} ends ({end}): all business would be stock; give a date "
     "within or before the period, year_start or period_start",
     "{date} 晚于考核期 {period} 的期末（{end}）：所有业务都将算作存量；请给出考核期内或之前的日期，"
     "或 year_start、period_start"),
    ("{keys} has no effect unless source: allocate (it is table): remove it, or set source: "
     "allocate",
     "{keys} 仅在 source: allocate 时生效（当前为 table）：请删去它，或设置 source: allocate"),
    ("{a} and {b} have no effect unless source: allocate (it is table): remove them, or set "
     "source: allocate",
     "{a} 和 {b} 仅在 source: allocate 时生效（当前为 table）：请删去它们，或设置 source: allocate"),
    ("sheet applies to XLSX files; this one is not (it would be ignored): remove sheet, or give "
     "the .xlsx file",
     "sheet 只适用于 XLSX 文件；此文件不是（该设置会被忽略）：请删去 sheet，或改用 .xlsx 文件"),
    ("{keys} applies to CSV files; this one is not (it would be ignored): remove {again}",
     "{keys} 只适用于 CSV 文件；此文件不是（该设置会被忽略）：请删去 {again}"),
    ("String should have at most {n} character, got {value}",
     "字符串至多应有 {n} 个字符（实际为 {value}）"),
    # a value of the wrong type (strict config types, `config._type_problem`)
    ("must be a number, got the text {value}; write numbers without quotes",
     "必须是数字（实际为文本 {value}）；数字请不要加引号"),
    ("must be a whole number, got the text {value}; write numbers without quotes",
     "必须是整数（实际为文本 {value}）；数字请不要加引号"),
    ("must be a number or {choices}, got the text {value}; write numbers without quotes",
     "必须是数字或 {choices}（实际为文本 {value}）；数字请不要加引号"),
    ("must be a text, got the number {value}; put it in quotes",
     "必须是文本（实际为数字 {value}）；请加上引号"),
    ("must be a number, got {value:v}", "必须是数字（实际为 {value}）"),
    ("must be a whole number, got {value:v}", "必须是整数（实际为 {value}）"),
    ("must be a number or {choices}, got {value:v}", "必须是数字或 {choices}（实际为 {value}）"),
    ("must be a text, got {value:v}", "必须是文本（实际为 {value}）"),
    ("must be true or false, got {value:v}", "必须是 true 或 false（实际为 {value}）"),
    ("must be a mapping (key: value lines), got {value:v}",
     "必须是映射（“键: 值”行）（实际为 {value}）"),
    ("must be a list, got {value:v}", "必须是列表（实际为 {value}）"),
    # pydantic's own messages (after `_describe`)
    ("input should be {choices:t}, got {value}", "应为 {choices}（实际为 {value}）"),
    ("{choices} or '{last}'", "{choices} 或 '{last}'"),
    ("{a:w} and {b:w}", "{a} 和 {b}"),
    ("Input should be a valid number, unable to parse string as a number, got {value}",
     "应为有效数字，无法将字符串解析为数字（实际为 {value}）"),
    ("Input should be a valid number, got {value}", "应为有效数字（实际为 {value}）"),
    ("Input should be a valid integer, unable to parse string as an integer, got {value}",
     "应为有效整数，无法将字符串解析为整数（实际为 {value}）"),
    ("Input should be a valid integer, got a number with a fractional part, got {value}",
     "应为有效整数，得到的数字带有小数部分（实际为 {value}）"),
    ("Input should be a valid integer, got {value}", "应为有效整数（实际为 {value}）"),
    ("Input should be a valid string, got {value}", "应为字符串（实际为 {value}）"),
    ("Input should be a valid boolean, unable to interpret input, got {value}",
     "应为布尔值，无法解释该输入（实际为 {value}）"),
    ("Input should be a valid boolean, got {value}", "应为布尔值（实际为 {value}）"),
    ("Input should be a valid dictionary or instance of {model}",
     "应为映射（键: 值）或 {model} 的实例"),
    ("Input should be a valid dictionary", "应为映射（键: 值）"),
    ("Input should be a valid list", "应为列表"),
    ("Input should be a valid tuple", "应为列表"),
    ("Input should be a finite number, got {value}", "应为有限数字（实际为 {value}）"),
    ("String should have at least {n} character, got {value}",
     "字符串至少应有 {n} 个字符（实际为 {value}）"),
    ("String should have at least {n} characters, got {value}",
     "字符串至少应有 {n} 个字符（实际为 {value}）"),
    ("List should have at least {n} item after validation, not {m}",
     "列表至少应有 {n} 项，实际为 {m} 项"),
    ("List should have at least {n} items after validation, not {m}",
     "列表至少应有 {n} 项，实际为 {m} 项"),
    ("Tuple should have at least {n} item after validation, not {m}",
     "列表至少应有 {n} 项，实际为 {m} 项"),
    ("Tuple should have at least {n} items after validation, not {m}",
     "列表至少应有 {n} 项，实际为 {m} 项"),
    ("String should match pattern {pattern}, got {value}",
     "字符串应符合模式 {pattern}（实际为 {value}）"),
    ("Assertion failed, {message:t}", "{message}"),
    # ---- stages' input checks ---------------------------------------------------------------
    ("at most {holds} (carry-in {carry} + withheld {withheld} at rate {rate})",
     "不超过 {holds}（上期结转 {carry} + 按比例 {rate} 留存的 {withheld}）"),
    ("a column named {name}", "名为 {name} 的列"),
    ("an id from {key}", "{key} 中的编号"),
    ("unknown category ({n} row, first shown)", "未知的业务大类（{n} 行，显示第一行）"),
    ("unknown category ({n} rows, first shown)", "未知的业务大类（{n} 行，显示第一行）"),
    ("unknown {what:w} ({n} row, first shown)", "未知的 {what}（{n} 行，显示第一行）"),
    ("unknown {what:w} ({n} rows, first shown)", "未知的 {what}（{n} 行，显示第一行）"),
    ("cannot allocate {total}: the driver is zero for every manager with business in the period "
     "(choose another driver or set the total to 0)",
     "无法分摊 {total}：本期有业务的每位客户经理的分摊依据都为零（请选择其他分摊依据，或将总额设为 0）"),
    ("{values} (this looks like a date: Excel turns 1/3 typed into a cell into a date; format "
     "the cells as text, or type '1/3)",
     "{values}（这看起来是日期：在 Excel 单元格中输入 1/3 会变成日期；请将单元格设为文本格式，或输入 '1/3）"),
    ("unknown weight method {method}; choose one of: {methods}",
     "未知的权重计算方法 {method}；请从以下选择：{methods}"),
    ("unknown completion method {method}; choose one of: {methods}",
     "未知的补全方法 {method}；请从以下选择：{methods}"),
    ("unknown random-index table {table}; choose one of: {tables}",
     "未知的随机一致性指标（RI）表 {table}；请从以下选择：{tables}"),
    ("the λmax-optimal completion did not converge ({reason}); set weights.completion: harker",
     "λmax 最优补全未收敛（{reason}）；请设置 weights.completion: harker"),
    ("bonus: no manager has any points, so the fixed pool ({pool}) cannot be split "
     "(bonus.funding.pool_amount)",
     "bonus：没有任何客户经理得分，固定奖金池（{pool}）无法分配（bonus.funding.pool_amount）"),
    ("bonus: the fixed pool ({total}) does not cover the floors and guarantees ({floors}); lower "
     "bonus.limits.floor / minimum_guarantee or raise bonus.funding.pool_amount",
     "bonus：固定奖金池（{total}）不足以支付保底和最低保障（{floors}）；请降低 bonus.limits.floor / "
     "minimum_guarantee，或提高 bonus.funding.pool_amount"),
    ("bonus: the caps (and managers without points) leave room for only {reach} of the fixed "
     "pool ({total}); raise bonus.limits.cap or lower bonus.funding.pool_amount",
     "bonus：封顶（以及没有得分的客户经理）使固定奖金池（{total}）只能分出 {reach}；请提高 "
     "bonus.limits.cap，或降低 bonus.funding.pool_amount"),
    ("weights.expert_weights.{expert}: no judgment by this expert in the judgments table",
     "weights.expert_weights.{expert}：判断表中没有这位专家的判断"),
    ("expert {expert} judged but has no weight in weights.expert_weights",
     "专家 {expert} 给出了判断，但在 weights.expert_weights 中没有权重"),
    ("no judgments for matrix {matrix}", "判断矩阵 {matrix} 没有判断"),
    ("each expert's comparisons of {criteria}", "每位专家对 {criteria} 的两两比较"),
    ("({b}, {a}) is not the reciprocal of ({a2}, {b2}) in row {row}",
     "({b}, {a}) 不是第 {row} 行 ({a2}, {b2}) 的倒数"),
    ("no judgments file configured, but the scorecard declares AHP matrices: {matrices}",
     "未配置判断表，但计分卡声明了 AHP 判断矩阵：{matrices}"),
    ("matrix {matrix}, expert {expert}: no judgment for ({a}, {b})",
     "判断矩阵 {matrix}，专家 {expert}：缺少 ({a}, {b}) 的判断"),
    ("the declared AHP matrices are invalid: {problems:t}", "声明的 AHP 判断矩阵无效：{problems}"),
    ("second row for manager {manager} and this indicator", "客户经理 {manager} 此指标的第二行"),
    ("the actual of {indicator} comes from {source}; leave this cell blank (only its target is "
     "read here)", "{indicator} 的实际值来自 {source}；此单元格请留空（此处只读取目标值）"),
    ("indicator {indicator}, manager {manager}: {rule:t}", "指标 {indicator}，客户经理 {manager}：{rule}"),
    ("a number from {low} to {high}", "{low} 到 {high} 之间的数字"),
    ("table not supplied, but indicator {indicator} reads it", "未提供此表，但指标 {indicator} 要读取它"),
    ("inputs.{source} in the config", "配置中的 inputs.{source}"),
    ("column of type {kind}", "类型为 {kind} 的列"),
    ("not found in the Spark catalog ({reason})", "在 Spark 目录中找不到（{reason}）"),
    ("duplicate key ({n} records)", "键重复（{n} 条记录）"),
    ("target is missing", "缺少目标值"),
    ("{name} must be finite (resolve missing values before scoring)",
     "{name} 必须是有限数（评分前请处理缺失值）"),
    ("no performance-pay base: pay_base is empty and the job level is not in {key}",
     "没有绩效工资基数（pay_base 为空，且职级不在 {key} 中）"),
    ("reason not allowed ({key})", "分配原因不被允许（{key}）"),
    ("row criterion {a} differs from column criterion {b}", "行指标 {a} 与列指标 {b} 不一致"),
    ("{theirs:w} differs from the base scheme's {key:w} {ours:w} ({file}): a comparison weighs "
     "two schemes on the same period and unit; give both configs the same value",
     "{theirs} 与原方案（{file}）的 {key} {ours} 不同：方案对比须在同一考核期、同一单位上进行；"
     "请让两个配置的该项取值相同"),
    ("the roster has no column {column} ({key})", "名册中没有列 {column}（{key}）"),
    ("a row with manager_id {manager}, indicator {indicator} and its actual (or "
     "`missing_actual: zero` on indicator {indicator2} to score it 0 and list every such case)",
     "一行 manager_id 为 {manager}、indicator 为 {indicator} 的实际值（或在指标 {indicator2} 上设置 "
     "`missing_actual: zero`，按 0 分计并列出每个这样的情况）"),
    ("a number (or `missing_actual: zero` on the indicator)",
     "一个数字（或在该指标上设置 `missing_actual: zero`）"),
    ("exactly {value} in row {row}", "第 {row} 行恰好为 {value}"),
    ("{ids:w}, {more}", "{ids}, {more}"),
    ("Input tag {tag} found using {field} does not match any of the expected tags: {tags}",
     "{field} 的取值 {tag} 不是以下之一：{tags}"),
    ("matrix {matrix}: {rest:t}", "判断矩阵 {matrix}：{rest}"),
    ("random-index table {table} covers matrices up to n = {n}, this one has n = {m}; choose "
     "ri_table: {other} (a formula for any n)",
     "随机一致性指标表 {table} 只覆盖 n ≤ {n} 的矩阵，此矩阵 n = {m}；请选择 ri_table: {other}"
     "（适用于任意 n 的公式）"),
    ("random-index table {table} covers matrices up to n = {n}, this one has n = {m}; choose "
     "ri_table: {tables} or {other} (a formula for any n)",
     "随机一致性指标表 {table} 只覆盖 n ≤ {n} 的矩阵，此矩阵 n = {m}；请选择 ri_table: {tables}，"
     "或 {other}（适用于任意 n 的公式）"),
    ("no AHP matrix has this id; declared: {ids}", "没有此编号的 AHP 判断矩阵；已声明：{ids}"),
    ("unknown column {column}; expected a column of managers.csv ({columns}) or 'period'",
     "未知的列 {column}；应为 managers.csv 的列（{columns}）或 'period'"),
    ("unknown column {column}", "未知的列 {column}"),
    # ---- config sections ----------------------------------------------------------------------
    ("categories: ids must be unique, repeated: {ids}", "categories：编号必须唯一，重复的有：{ids}"),
    ("{listed}: not a category id; known: {ids}", "{listed}：不是业务大类编号；已知的有：{ids}"),
    ("header {header} is given twice; headers must be unique so the payroll system can tell the "
     "columns apart", "表头 {header} 出现了两次；表头必须唯一，工资系统才能区分各列"),
    ("group {group} names nobody: give job_levels, roster_flag or managers",
     "组 {group} 没有包含任何人：请给出 job_levels、roster_flag 或 managers"),
    ("group {group} is risk_relevant: its share must be at least 40% (稳健薪酬监管指引), got "
     "{share}; raise it or state a justification (recorded in the manifest)",
     "组 {group} 为 risk_relevant：其递延比例至少为 40%（稳健薪酬监管指引），实际为 {share}；"
     "请提高比例或写明理由（记入 manifest）"),
    ("group {group} is senior_management: its share must be more than 50%, got {share}; raise "
     "it or state a justification",
     "组 {group} 为 senior_management：其递延比例必须超过 50%，实际为 {share}；请提高比例或写明理由"),
    ("group {group} is risk_relevant: years must be at least 3, got {years}",
     "组 {group} 为 risk_relevant：递延年数至少为 3，实际为 {years}"),
    ("group ids must be unique, got {ids}", "组编号必须唯一，实际为 {ids}"),
    ("group {group}: schedule has {n} weights for {years} years; give one per year",
     "组 {group}：schedule 有 {n} 个权重，而递延 {years} 年；请每年给一个"),
    ("group {group}: schedule weights must be non-negative and not all zero",
     "组 {group}：schedule 的权重必须非负且不全为零"),
    ("group {group}: the schedule is front-loaded (tranche {i} weighs {early}, more than tranche "
     "{j} at {late}); deferred pay is released in equal or rising parts",
     "组 {group}：schedule 前多后少（第 {i} 批权重 {early}，多于第 {j} 批的 {late}）；递延薪酬应等额或递增发放"),
    ("{name}: only {tables} may be catalog tables (table:); give path",
     "{name}：只有 {tables} 可以是目录表（table:）；请给出 path"),
    ("DuckDB refuses the setting {key}: {value} ({reason}); see DuckDB's configuration reference "
     "for the names and values it takes",
     "DuckDB 不接受设置 {key}: {value}（{reason}）；可用的名称和取值见 DuckDB 的配置参考"),
    ("must be at most {limit} yuan in magnitude", "绝对值必须不超过 {limit} 元"),
    ("band lower bounds must increase strictly, got {lowers}", "各档下限必须严格递增，实际为 {lowers}"),
    ("component {component}: bands and method apply to kind profit_band only",
     "奖金构成 {component}：bands 和 method 仅适用于 kind profit_band"),
    ("component ids must be unique, repeated: {ids}", "奖金构成编号必须唯一，重复的有：{ids}"),
    ("components: shares must add up to 1 in fixed_pool mode, got {total}",
     "components：fixed_pool 模式下各占比之和必须为 1，实际为 {total}"),
    ("{key} must give exactly these criteria: {criteria}; got {weights}",
     "{key} 必须恰好给出这些指标：{criteria}；实际为 {weights}"),
    ("{key}: weights must be finite and >= 0 ({bad})", "{key}：权重必须是有限数且 >= 0（{bad}）"),
    ("{key}: weights must sum to 1, got {total}", "{key}：权重之和必须为 1，实际为 {total}"),
    ("low must be below high, got low={low}, high={high}", "low 必须小于 high，实际为 low={low}，high={high}"),
    ("floor ({floor}) is above cap ({cap})", "保底（{floor}）高于封顶（{cap}）"),
    ("grade ids must be unique, got {ids}", "等级编号必须唯一，实际为 {ids}"),
    ("dimension ids must be unique, repeated: {ids}", "维度编号必须唯一，重复的有：{ids}"),
    ("indicator ids must be unique, repeated: {ids}", "指标编号必须唯一，重复的有：{ids}"),
    ("AHP matrix ids must be unique, repeated: {ids}", "AHP 判断矩阵编号必须唯一，重复的有：{ids}"),
    ("points with basis {basis} must be listed with x ascending",
     "basis 为 {basis} 的点必须按 x 升序列出"),
    ("forced: grade quotas must sum to 1, got {total}", "forced：各等级名额比例之和必须为 1，实际为 {total}"),
    ("{key} has no effect unless joiners_leavers: exclude (it is {value}): remove it",
     "{key} 仅在 joiners_leavers: exclude 时起作用（当前为 {value}）：请删去"),
    ("excluded_coefficient has no effect with excluded_pay: {value} (only excluded_pay: standard "
     "pays by it)", "excluded_pay: {value} 时 excluded_coefficient 不起作用（只有 excluded_pay: "
     "standard 按它发放）"),
    ("guarantee_only pays the minimum guarantee, but bonus.limits.minimum_guarantee is not set: "
     "set it, or choose standard or none",
     "guarantee_only 只发放最低保障，但未设置 bonus.limits.minimum_guarantee：请设置它，或选择 "
     "standard 或 none"),
    ("none pays excluded joiners nothing, although bonus.limits.minimum_guarantee exists for new "
     "hires: choose guarantee_only (the guarantee alone) or standard (paid at excluded_coefficient "
     "within the limits), or remove the guarantee",
     "none 不向不参与评级的新入职者发放任何奖金，但已为新员工设置了 bonus.limits.minimum_guarantee："
     "请选择 guarantee_only（只发放最低保障）或 standard（按 excluded_coefficient 在限额内发放），"
     "或删去最低保障"),
    ("{message:t}, got {value}", "{message}（实际为 {value}）"),
    # ---- outputs -------------------------------------------------------------------------------
    ("statements: {count} PDF statement(s) cannot show {characters} (the PDF font STSong-Light has "
     "no such characters: 〓 is printed in their place): {managers}; {where:t}",
     "绩效单：{count} 份 PDF 绩效单无法显示 {characters}（PDF 字体 STSong-Light 没有这些字符，"
     "以 〓 代替）：{managers}；{where}"),
    ("could not write {path} ({where}: {reason:t}); nothing was written. Check that the folder "
     "exists and may be written, or choose another {option}",
     "无法写入 {path}（{where}：{reason}）；未写入任何文件。请确认文件夹存在且可写入，或另选 {option}"),
    ("could not write the results to {target} ({where}: {reason:t}); nothing was written there. "
     "Free disk space, check the folder's permissions, or choose another --out",
     "无法将结果写入 {target}（{where}：{reason}）；该处未写入任何文件。请释放磁盘空间、检查文件夹权限，"
     "或另选 --out"),
    ("ledger {ledger} is new: no period is closed in it yet, so this run's carry-in is the "
     "config's; if this unit's earlier months were closed in another ledger, set history.url to it",
     "台账 {ledger} 是新建的：其中尚无已关账的期间，因此本次运行的上期结转取自配置；如果本单位以前的"
     "月份是在另一个台账中关账的，请将 history.url 指向该台账"),
    ("output folder {target} holds files no run of appraise wrote there ({files}); --force "
     "replaces only the results folder of an earlier run, never other files: choose another --out",
     "输出文件夹 {target} 中有并非 appraise 运行写入的文件（{files}）；--force 只替换以前某次运行的"
     "结果文件夹，绝不删除其他文件：请另选 --out"),
    ("output folder {target} already exists; a closed period is never overwritten silently: "
     "choose another --out, or pass --force to replace it",
     "输出文件夹 {target} 已存在；已关账的期间绝不会被悄悄覆盖：请另选 --out，或使用 --force 替换"),
    ("{target} exists and is a file, not a folder: choose another --out (or output.dir); a file "
     "is never replaced by results",
     "{target} 已存在且是文件，不是文件夹：请另选 --out（或 output.dir）；结果从不替换文件"),
    ("output folder {target} is locked by {lock}", "输出文件夹 {target} 被 {lock} 锁定"),
    ("output folder {target} is being written by another run (process {pid} of {user} on {host}, "
     "since {started}); wait for it to finish or choose another --out (if no such run exists, "
     "remove {lock})",
     "输出文件夹 {target} 正由另一次运行写入（{user} 在 {host} 上的进程 {pid}，始于 {started}）；"
     "请等待其完成或另选 --out（若并无此运行，请删除 {lock}）"),
    # ---- the ledger --------------------------------------------------------------
    ("{folder}: already holds sample tables ({listed}); use --force to replace them",
     "{folder}：已有样例表（{listed}）；使用 --force 替换"),
    ("--by needs the name of who closes the period", "--by 需要填写关账人的姓名"),
    ('--revision needs a reason, e.g. --revision "corrected loan file"',
     '--revision 需要填写原因，如 --revision "更正贷款档案"'),
    ("{results}: not a folder of results", "{results}：不是结果文件夹"),
    ("{results}: no manifest.json, so not the results of a run (close the folder `appraise run` "
     "wrote)", "{results}：没有 manifest.json，因此不是一次运行的结果（请关账 `appraise run` 写出的文件夹）"),
    ("{path}: not valid JSON; these results cannot be closed", "{path}：不是有效的 JSON；这些结果无法关账"),
    ("{path}: lists no output files", "{path}：没有列出任何输出文件"),
    ("{results}/managers.csv lacks {columns}", "{results}/managers.csv 缺少 {columns}"),
    ("{results}/pool_ledger.csv must hold one row", "{results}/pool_ledger.csv 必须恰好有一行"),
    ("{file}, column {column}: not an amount in yuan with two decimals (got {value})",
     "{file}，列 {column}：不是带两位小数的以元为单位的金额（实际为 {value}）"),
    ("{file}, row {row}, column {column}: not an amount in yuan with two decimals (got {value})",
     "{file}，第 {row} 行，列 {column}：不是带两位小数的以元为单位的金额（实际为 {value}）"),
    ("history.url: the ledger runs on SQLite or PostgreSQL, not {backend}",
     "history.url：台账只能使用 SQLite 或 PostgreSQL，不能使用 {backend}"),
    ("history.url is not a database URL; write e.g. sqlite:///ledger.sqlite or "
     "postgresql+psycopg://user@host:5432/db",
     "history.url 不是数据库 URL；请写成如 sqlite:///ledger.sqlite 或 "
     "postgresql+psycopg://user@host:5432/db"),
    ("history.password_file {path}: cannot be read ({reason})",
     "history.password_file {path}：无法读取（{reason}）"),
    ("history.password_env: the environment variable {variable} is not set (it holds the "
     "ledger database's password)",
     "history.password_env：环境变量 {variable} 未设置（它保存台账数据库的密码）"),
    ("ledger {ledger}: folder {folder} does not exist", "台账 {ledger}：文件夹 {folder} 不存在"),
    ("--out {out} is the ledger's own file ({ledger}); an export is never written over the "
     "ledger: choose another --out, e.g. payroll.csv",
     "--out {out} 就是台账文件本身（{ledger}）；导出绝不覆盖台账：请另选 --out，如 payroll.csv"),
    ("--out {out} is the config named by --config; choose another --out, e.g. payroll.csv",
     "--out {out} 就是 --config 指明的配置文件；请另选 --out，如 payroll.csv"),
    ("ledger {ledger}: its schema is at revision {revision}, which this engine (appraise "
     "{engine}, newest revision {head}) does not know: a newer appraise has upgraded it. Nothing "
     "was read or written; run the appraise version that upgraded it (pip install --upgrade "
     "appraise)",
     "台账 {ledger}：其结构版本为 {revision}，本引擎（appraise {engine}，最新结构版本 {head}）不认识："
     "它已由更新版本的 appraise 升级。未读取或写入任何内容；请使用升级它的 appraise 版本"
     "（pip install --upgrade appraise）"),
    ("ledger {ledger}: {path} is a folder; name the ledger's file (e.g. history.sqlite in that "
     "folder)", "台账 {ledger}：{path} 是文件夹；请指明台账文件（如该文件夹中的 history.sqlite）"),
    ("ledger {ledger}: this database is not an appraise ledger (it has no alembic_version table "
     "but holds {tables}); nothing was changed. Name the ledger's own file (a new or empty file "
     "becomes a ledger on first use)",
     "台账 {ledger}：这个数据库不是 appraise 台账（没有 alembic_version 表，却有 {tables}）；未作任何更改。"
     "请指明台账自己的文件（新的或空的文件在第一次使用时成为台账）"),
    ("ledger {ledger}: there is no ledger file {path} (a ledger is created by the first "
     "`appraise run` of a config with a history: section); check the path",
     "台账 {ledger}：台账文件 {path} 不存在（台账由含 history: 配置节的配置第一次 `appraise run` "
     "时创建）；请检查路径"),
    ("ledger {ledger}: the database driver {driver} is not installed; for PostgreSQL use "
     "postgresql+psycopg:// and install appraise[postgres]",
     "台账 {ledger}：未安装数据库驱动 {driver}；PostgreSQL 请使用 postgresql+psycopg:// 并安装 "
     "appraise[postgres]"),
    ("ledger {ledger}: cannot use this database URL ({reason}); for PostgreSQL install "
     "appraise[postgres]",
     "台账 {ledger}：无法使用此数据库 URL（{reason}）；PostgreSQL 请安装 appraise[postgres]"),
    # ---- AHP: matrices, consistency, hierarchy -----------------------------------------------
    ("{n:w} problem in the judgment matrix:", "判断矩阵中有 {n} 个问题："),
    ("{n:w} problems in the judgment matrix:", "判断矩阵中有 {n} 个问题："),
    ("matrix '{matrix}', cell ({row}, {column}): {problem:t}",
     "判断矩阵 '{matrix}' 的单元格 ({row}, {column})：{problem}"),
    ("matrix '{matrix}': {problem:t}", "判断矩阵 '{matrix}'：{problem}"),
    ("got {a:w} and {b:w}", "实际为 {a} 和 {b}"),
    ("got {value}", "实际为 {value}"),
    ("expected {what:t}", "要求：{what}"),
    ("exactly {value} in the mirror cell", "对称单元格中恰为 {value}"),
    ("a_ji = 1/a_ij = {value} (relative tolerance {tolerance})",
     "a_ji = 1/a_ij = {value}（相对容差 {tolerance}）"),
    ("{n:w} AHP matrix failed the consistency check (CR must be < {threshold}, RI table "
     "{table}):", "{n} 个 AHP 判断矩阵未通过一致性检验（CR 须 < {threshold}，RI 表 {table}）："),
    ("{n:w} AHP matrices failed the consistency check (CR must be < {threshold}, RI table "
     "{table}):", "{n} 个 AHP 判断矩阵未通过一致性检验（CR 须 < {threshold}，RI 表 {table}）："),
    ("matrix '{matrix}': every expert is inconsistent ({experts}), none is left to combine",
     "判断矩阵 '{matrix}'：每位专家的判断都不一致（{experts}），没有可合并的判断"),
    ("matrix '{matrix}': inconsistent expert judgments: {experts} "
     "(weights.inconsistent_expert: fail)",
     "判断矩阵 '{matrix}'：专家判断不一致：{experts}（weights.inconsistent_expert: fail）"),
    ("matrix '{matrix}' combined from {experts}: CR = {cr} >= {threshold} (λmax {lambda_max}, "
     "CI {ci}, RI {ri})",
     "判断矩阵 '{matrix}'（由 {experts} 合并）：CR = {cr} >= {threshold}（λmax {lambda_max}，"
     "CI {ci}，RI {ri}）"),
    ("({a}, {b}) = {value}: the weights imply {implied} (ε = {epsilon}); changing it to "
     "{suggested} gives CR {cr}",
     "({a}, {b}) = {value}：按权重应为 {implied}（ε = {epsilon}）；改为 {suggested} 后 CR 为 {cr}"),
    ("expert {expert} (CR {cr}):", "专家 {expert}（CR {cr}）："),
    ("Revise these judgments, or accept a matrix explicitly in the config with "
     "`weights: accept: <matrix id>: justification: <why these weights are used anyway>`.",
     "请修改这些判断，或在配置中明确接受某个矩阵："
     "`weights: accept: <矩阵编号>: justification: <仍采用这些权重的理由>`。"),
    ("weights do not form a hierarchy: {problems:t}", "权重不构成层次结构：{problems}"),
    ("dimension weights sum to {total}, not 1", "维度权重之和为 {total}，不是 1"),
    ("no indicator weights for dimension(s): {dimensions}", "以下维度没有指标权重：{dimensions}"),
    ("indicator weights for unknown dimension(s): {dimensions}",
     "以下未知维度给出了指标权重：{dimensions}"),
    ("local weights of dimension '{dimension}' sum to {total}, not 1",
     "维度 '{dimension}' 的局部权重之和为 {total}，不是 1"),
    ("weight of '{name}' is {weight}; expected a number >= 0",
     "'{name}' 的权重为 {weight}；要求：一个 >= 0 的数字"),
    ("weight of '{name}' is {weight}", "'{name}' 的权重为 {weight}"),
    ("no AHP weights for matrix '{matrix}' ({what:t}); add its judgments to the judgments table "
     "or give fixed weights in the scorecard config",
     "判断矩阵 '{matrix}'（{what}）没有 AHP 权重；请在判断表中加入它的判断，或在 scorecard 配置中给出固定权重"),
    ("AHP matrix '{matrix}' ({what:t}) must weigh exactly {criteria}; missing: {missing}; "
     "unexpected: {extra}",
     "AHP 判断矩阵 '{matrix}'（{what}）必须恰好给出这些指标的权重：{criteria}；缺少：{missing}；"
     "多余：{extra}"),
    ("indicators of dimension '{dimension}'", "维度 '{dimension}' 的指标"),
    # ---- closing and the ledger --------------------------------------------------------------
    ("{results}: these results are not as the run wrote them, so they cannot be closed:",
     "{results}：这些结果已不是运行写出时的样子，因此不能关账："),
    ("{name}: modified since the run (SHA-256 differs from the manifest)",
     "{name}：运行之后被修改过（SHA-256 与 manifest 中的不符）"),
    ("{name}: missing", "{name}：缺失"),
    ("{name}: not written by the run", "{name}：不是运行写出的文件"),
    ("{results}: the managers' pay does not add up, so these results cannot be closed:",
     "{results}：客户经理的奖金对不上，因此这些结果不能关账："),
    ("managers.csv: bonus_final is not the sum of {parts} for {managers:t}",
     "managers.csv：以下客户经理的 bonus_final 不等于 {parts} 之和：{managers}"),
    ("{manager:w}: {final:w} but its parts add up to {total:w}", "{manager}：{final}，但各部分合计为 {total}"),
    ("managers.csv: retro_adjustment + retro_carried is not retro_due for {managers:t}",
     "managers.csv：以下客户经理的 retro_adjustment + retro_carried 不等于 retro_due：{managers}"),
    ("{manager:w}: due {due:w}, paid + carried {paid:w}", "{manager}：应付 {due}，已付加结转 {paid}"),
    ("{results}: managers.csv's retro_due is not what the ledger says is owed, so these results "
     "cannot be closed: {managers:t}. Re-run `appraise run` and close its untouched folder",
     "{results}：managers.csv 的 retro_due 与台账记录的应付追溯调整不符，因此这些结果不能关账："
     "{managers}。请重新运行 `appraise run`，并对它写出、未经改动的文件夹关账"),
    ("{manager:w}: {due:w} but the ledger owes {owed:w}", "{manager}：{due}，但台账记录应付 {owed}"),
    ("{results}: pool_ledger.csv's carry_in is {given} but the ledger carries {expected} into "
     "{period} (the carry-out of {previous} version {version}, with the revised months' "
     "differences), so these results were not computed on this ledger and cannot be closed. "
     "Close them into the ledger their run read, or re-run `appraise run` with this ledger and "
     "close that",
     "{results}：pool_ledger.csv 的 carry_in 为 {given}，但台账结转到 {period} 的是 {expected}"
     "（{previous} 第 {version} 版的结转，加上修订期间的差额），因此这些结果不是依据这个台账计算的，"
     "不能关账。请将其关账到它运行时读取的台账，或用这个台账重新运行 `appraise run` 后再关账"),
    ("{path}: not as the run wrote it, so these results cannot be closed:",
     "{path}：已不是运行写出时的样子，因此这些结果不能关账："),
    ("config.resolved: missing (the run's config is recorded there)",
     "config.resolved：缺失（运行的配置记录在此处）"),
    ("period: {value} is not a period such as 2026-10, 2026-Q4 or 2026",
     "period：{value} 不是期间（如 2026-10、2026-Q4 或 2026）"),
    ("period: {period} but config.resolved.period is {resolved}",
     "period：{period}，但 config.resolved.period 为 {resolved}"),
    ("unit.id: {value} is not a unit id", "unit.id：{value} 不是单位编号"),
    ("unit.id: {unit} but config.resolved.unit.id is {resolved}",
     "unit.id：{unit}，但 config.resolved.unit.id 为 {resolved}"),
    ("audit.history.ledger_mark: {value} is not a whole number >= 0",
     "audit.history.ledger_mark：{value} 不是 >= 0 的整数"),
    ("{results}: the shared pool does not balance, so these results cannot be closed (a pool "
     "never gains or loses a cent):",
     "{results}：公共绩效池不平衡，因此这些结果不能关账（奖金池不会凭空多出或少掉一分钱）："),
    ("pool_ledger.csv: carry_in + withheld is not allocated + redistributed + carry_out "
     "({amounts})",
     "pool_ledger.csv：carry_in + withheld 不等于 allocated + redistributed + carry_out（{amounts}）"),
    ("pool_ledger.csv: {key} is {amount} but the managers' {column} in managers.csv add up to "
     "{total}", "pool_ledger.csv：{key} 为 {amount}，但 managers.csv 中各客户经理的 {column} 合计为 {total}"),
    ("pool_ledger.csv: carry_in is {amount} but the run took {recorded} (manifest.json "
     "audit.history.carry_in_cents)",
     "pool_ledger.csv：carry_in 为 {amount}，但运行时采用的是 {recorded}（manifest.json 的 "
     "audit.history.carry_in_cents）"),
    ("Re-run `appraise run` and close its untouched folder (corrections go into the inputs, "
     "never into the results)",
     "请重新运行 `appraise run`，并对它写出、未经改动的文件夹关账（更正应改在输入数据中，绝不改在结果中）"),
    ("{results}: {period:w} of unit {unit} was closed as version {version} by {who} at {at} "
     'after these results were computed; nothing was recorded. To change it, re-run with '
     '--revision "reason" and close that',
     "{results}：单位 {unit} 的 {period} 在这些结果计算之后已由 {who} 于 {at} 关账为第 {version} 版；"
     '未记录任何内容。如需更改，请使用 --revision "原因" 重新运行，再对其结果关账'),
    ("{results}: the ledger changed since these results were computed (another period of unit "
     "{unit} was closed), so their carry-in or retro adjustments may be out of date; nothing was "
     "recorded. Re-run, then close",
     "{results}：这些结果计算之后台账已有变化（单位 {unit} 的另一个期间已关账），其上期结转或追溯调整可能已过时；"
     "未记录任何内容。请重新运行后再关账"),
    ("{path}: bonus.shared_pool.carry_in is {given} but the ledger says {ledger} ({source:t}); "
     'remove carry_in to take the ledger\'s, or explain the difference with --revision "reason"',
     "{path}：bonus.shared_pool.carry_in 为 {given}，但台账记录为 {ledger}（{source}）；"
     '删去 carry_in 以采用台账的值，或用 --revision "原因" 说明差异'),
    ("ledger: carry-out of {period} version {version}", "台账：{period} 第 {version} 版的结转"),
    ("ledger: carry-out of {period} version {version} + {amount} from revised periods",
     "台账：{period} 第 {version} 版的结转，加上修订期间的 {amount}"),
    ("{path}: unit {unit} has closed periods in the ledger but not {previous}, the period before "
     "{period}; close it first (the pool's carry-in chains from it)",
     "{path}：单位 {unit} 在台账中有已关账的期间，但没有 {period} 的上一期 {previous}；"
     "请先对其关账（奖金池的上期结转由它逐期衔接）"),
    ("{path}: unit {unit} has closed periods in the ledger but not {previous}, the period before "
     "{period}; close it first (the pool's carry-in chains from it); to settle the grade "
     "component over the closed months of {span}, add history.annual (docs/deferral.md)",
     "{path}：单位 {unit} 在台账中有已关账的期间，但没有 {period} 的上一期 {previous}；"
     "请先对其关账（奖金池的上期结转由它逐期衔接）；若要按 {span} 中已关账的月份结算等级部分，"
     "请添加 history.annual（docs/deferral.md）"),
    ("{results}: this run had no history: ledger configured, so its carry-in and retro "
     "adjustments were not checked against one; add history: to the config, re-run, then close",
     "{results}：这次运行未配置 history: 台账，其上期结转和追溯调整未经台账核对；"
     "请在配置中添加 history:，重新运行后再关账"),
    ("{results}: this run had no history: ledger configured; add history: to the config, "
     "re-run, then close (or pass --config)",
     "{results}：这次运行未配置 history: 台账；请在配置中添加 history:，重新运行后再关账"
     "（或使用 --config）"),
    ("{results}: closing needs managers.csv and pool_ledger.csv (output.files must keep "
     "managers_csv and pool_ledger_csv)",
     "{results}：关账需要 managers.csv 和 pool_ledger.csv（output.files 中须保留 managers_csv 和 "
     "pool_ledger_csv）"),
    ("ledger {ledger}: cannot connect or upgrade ({reason})", "台账 {ledger}：无法连接或升级（{reason}）"),
    ("{results}: the ledger {ledger} refused to record the close ({reason}); nothing was "
     "recorded. Free disk space, check that the ledger file and its folder may be written "
     "(SQLite writes a journal beside the file) or that the database user may insert into the "
     "ledger's tables, then close again",
     "{results}：台账 {ledger} 拒绝记录此次关账（{reason}）；未记录任何内容。请释放磁盘空间，"
     "确认台账文件及其文件夹可写入（SQLite 会在文件旁写日志文件），或确认数据库用户可向台账的表插入"
     "数据，然后重新关账"),
    ("{results}: the ledger {ledger} is busy ({reason}: another close or run held it for 30 "
     "seconds); nothing was recorded, close again",
     "{results}：台账 {ledger} 正忙（{reason}：另一次关账或运行占用了 30 秒）；未记录任何内容，"
     "请重新关账"),
    ('period {period} of unit {unit} is closed (version {version}, closed by {who} at {at}); a '
     'new run needs --revision "reason": it becomes version {next} and its differences are paid '
     "next period",
     "单位 {unit} 的期间 {period} 已关账（第 {version} 版，由 {who} 于 {at} 关账）；重新运行需要 "
     '--revision "原因"：它将成为第 {next} 版，与原版本的差额在下一期支付'),
    ("the annual settlement of {span} for unit {unit} needs every month closed; not closed: "
     "{months}", "单位 {unit} 的 {span} 年度结算需要每个月都已关账；未关账的月份：{months}"),
    # ---- the SQL engines -----------------------------------------------------------------------
    ("the SQL engine (DuckDB) ran out of {what:t} over the account data ({reason}); nothing was "
     "written. Give it more: engine.options.memory_limit (now DuckDB's default, 80% of the "
     "machine's memory), fewer engine.options.threads (each holds its own share), or "
     "engine.options.temp_directory on a disk with room for what it spills (docs/kernel.md, "
     '"Memory")',
     "SQL 引擎（DuckDB）处理账户数据时{what}不足（{reason}）；没有写入任何文件。请为它提供更多资源："
     "engine.options.memory_limit（当前为 DuckDB 的默认值，即本机内存的 80%）、减少 "
     "engine.options.threads（每个线程各占一份），或将 engine.options.temp_directory 设在有足够空间"
     "容纳溢出数据的磁盘上（docs/kernel.md，“Memory”一节）"),
    ("the SQL engine (DuckDB) ran out of {what:t} over the account data ({reason}); nothing was "
     "written. Give it more: engine.options.memory_limit (now {limit}), fewer "
     "engine.options.threads (each holds its own share), or engine.options.temp_directory on a "
     'disk with room for what it spills (docs/kernel.md, "Memory")',
     "SQL 引擎（DuckDB）处理账户数据时{what}不足（{reason}）；没有写入任何文件。请为它提供更多资源："
     "engine.options.memory_limit（当前为 {limit}）、减少 engine.options.threads（每个线程各占一份），"
     "或将 engine.options.temp_directory 设在有足够空间容纳溢出数据的磁盘上（docs/kernel.md，"
     "“Memory”一节）"),
    ("Spark could not start a session on master {master} with options {{options}}: {reason}",
     "Spark 无法在 master {master} 上以选项 {{{options}}} 启动会话：{reason}"),
    ("spark: {why:t}", "spark：{why}"),
    ("Spark on master {master} ran out of memory over the account data ({reason})" + _SPARK_TAIL,
     "Spark（master {master}）处理账户数据时内存不足（{reason}）" + _SPARK_TAIL_ZH),
    ("the Spark session on master {master} ended while it computed the account data (its JVM "
     "stopped or the connection to it was lost: killed, out of memory, or the cluster went away; "
     "{reason})" + _SPARK_TAIL + "; then run it again",
     "master {master} 上的 Spark 会话在计算账户数据时结束了（其 JVM 已停止或与它的连接已断开："
     "被终止、内存不足或集群已不可用；{reason}）" + _SPARK_TAIL_ZH + "；然后重新运行"),
    ("Spark on master {master} aborted the job over the account data ({reason})" + _SPARK_TAIL,
     "Spark（master {master}）中止了处理账户数据的作业（{reason}）" + _SPARK_TAIL_ZH),
    ("pyspark is not installed ({hint})", "未安装 pyspark（{hint}）"),
    ("no Java runtime (java) on PATH ({hint})", "PATH 中没有 Java 运行时（java）（{hint}）"),
    ("Spark could not start a session on master {master} with options {}: {reason}",
     "Spark 无法在 master {master} 上启动会话（未设选项）：{reason}"),
)
