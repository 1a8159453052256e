"""The letter before the tables: the bulletin's five work points, filled with this week's figures.

Each point keeps the standing wording of the 2020-12-25 bulletin (one-off deadlines and mail
addresses of that issue left out) and adds a 本期 sentence naming the totals, their change
against the previous snapshot and the units below the targets the point names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from dagster_project.report.layout import DELTA_UNITS, TABLES
from dagster_project.report.model import Block, Cell, Table

# The letter's input: this snapshot's tables by number (it reads nothing else).
Tables = Mapping[int, Table]

INTRO = (
    "根据《关于进一步做好网上政务服务能力提升工作的通知》（豫“放管服”组办〔2020〕8号）《关于进一步做好一体化政务服务"
    "能力提升工作的补充通知》（豫“放管服”组办〔2020〕9号）部署，现将截至{date}一体化政务服务能力提升工作相关数据通报如下："
    "（见附表）"
)
APPEAL = "请各地各部门认真对照文件要求，尽快查漏补缺，持续发力，坚持不懈，不断提升我省一体化政务服务能力。"

POINTS = (
    "一是加快推进政务服务标准化和政务流程再造工作。尚未完成“最小颗粒化”事项录入工作的地区和部门，要加大工作力度，将事项录入"
    "政务服务事项管理系统，并完成网上办事指南发布。各省辖市、济源示范区、省直管县（市）要尽快核对本地区政务服务事项标准化梳理"
    "成果，配置“最小颗粒化”事项网上办理流程信息，加快推进事项上线运行。要通过数据共享、快递服务等方式，着力提升不见面审批事项"
    "占比、即办件占比和时限压缩比例，并及时在政务服务事项管理系统中修改相关要素。",
    "二是加快电子证照制发工作。对照省、市两级电子证照责任清单，依类型完成率不足100%的部门应加快电子证照制发进度，已加盖电子"
    "印章的证照类型数据量不足5条的部门应加快存量数据制证进度，夯实电子证照应用基础。针对已推送证照数据应严格按照国家政务服务"
    "平台电子证照工程标准、河南省电子证照二维码规范等要求开展自查工作并及时整改，确保电子证照百分之百规范统一、清晰可用。对照"
    "河南政务服务统一用户管理及认证平台上的部门清单，各省辖市应推动未制章部门尽快制章，提升电子印章部门覆盖度。",
    "三是各省辖市、省直管县（市）政务服务和大数据管理机构要切实承担起统筹管理主体责任，抓紧核验事项办理情况，杜绝将未接入统一"
    "受理的事项配置省统一受理网办地址，造成企业、群众无法在线办事或工作人员二次录入等问题。",
    "四是加快推进业务系统接入新版统一身份认证系统（用户中心）。业务系统原则上应使用统一身份认证体系，确无法使用的，要实现与"
    "统一身份认证体系的对接，实现用户单点登录与身份信息传递。避免企业群众反复注册和二次登录认证。",
    "五是加快推进政务服务“好差评”工作。各地各部门要进一步畅通线上线下评价渠道，特别是主动评价覆盖事项率低于20%的部门和地区，"
    "要查清原因，采取措施，切实提升评价覆盖事项程度；加强宣传引导，持续提升企业和群众的知晓度和参与度；及时关注差评，核实问题，"
    "尽快整改，实现差评按期整改率达到100%。各地各部门要及时办理企业和群众的咨询投诉，实现咨询投诉按期办结率100%。",
)


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def appendix_titles() -> list[str]:
    return [f"表{t.no}.{t.title}" for t in TABLES]


def change_phrase(cell: Cell) -> str:
    """'（较上期提高0.35个百分点）' / '（与上期持平）' / '' without a previous figure."""
    if cell.change is None:
        return ""
    delta = DELTA_UNITS[cell.column.kind]
    shown = round(abs(delta.points(cell.change)), delta.decimals)
    if shown == 0:
        return "（与上期持平）"
    word = "提高" if cell.change > 0 else "下降"
    return f"（较上期{word}{shown:.{delta.decimals}f}{delta.unit}）"


def total_figure(tables: Tables, no: int, scope: str, field_name: str) -> str:
    """A 合计 as printed, with its change: '92.12%（较上期提高0.35个百分点）'."""
    total = tables[no].block(scope).total
    if total is None:
        return "-"
    cell = total.cell(field_name)
    return cell.text + change_phrase(cell)


def below_target(block: Block, field_name: str) -> list[tuple[str, Cell]]:
    return [(line.unit_name, line.cell(field_name)) for line in block.units if line.cell(field_name).missed]


FIGURES_UP_TO = 10  # a longer list names the units only; their figures are in the table


def name_list(items: list[tuple[str, Cell]]) -> str:
    """'2个：甲（12.36%）、乙（10.53%）', or '无'."""
    if not items:
        return "无"
    with_figure = len(items) <= FIGURES_UP_TO
    names = [f"{name}（{cell.text}）" if with_figure else name for name, cell in items]
    return f"{len(items)}个：" + "、".join(names)


def _per_part(tables: Tables, no: int, field_name: str) -> str:
    """'省直部门3个：…；省辖市无' over the blocks of one table."""
    table = tables[no]
    return "；".join(
        f"{b.part.label or b.part.unit_heading}{name_list(below_target(b, field_name))}" for b in table.blocks
    )


def _lowest(block: Block, field_name: str) -> str:
    ranked = [line for line in block.units if line.cell(field_name).value is not None]
    if not ranked:
        return "无"
    low = min(ranked, key=lambda line: (line.cell(field_name).value, line.order))
    return f"{low.unit_name}（{low.cell(field_name).text}）"


def _point_one(b: Tables) -> str:
    return (
        f"本期省直部门不见面审批事项占比{total_figure(b, 1, 'province_dept', 'zero_visit_share')}，"
        f"行政许可类即办件占比{total_figure(b, 1, 'province_dept', 'instant_share_license')}，"
        f"行政许可类时限压缩比例{total_figure(b, 1, 'province_dept', 'time_compression_license')}；"
        f"流程内容详实率省辖市市本级{total_figure(b, 2, 'city_level', 'level_process_complete')}，"
        f"所辖县（市、区）{total_figure(b, 2, 'city_level', 'counties_process_complete')}，"
        f"省直管县（市）{total_figure(b, 3, 'direct_county', 'process_complete')}（见表1至表3）。"
    )


def _point_two(b: Tables) -> str:
    t04 = b[4].block("province_dept")
    unmade = [line.unit_name for line in b[5].blocks[0].lines if line.cell("status").text == "未制成"]
    none_city = [line.unit_name for line in b[6].blocks[0].lines if line.cell("status").text == "各市均未制出"]
    return (
        f"本期依类型完成率不足100%的省直部门{name_list(below_target(t04, 'type_completion'))}；"
        f"加盖电子印章的证照数量不足5条的{name_list(below_target(t04, 'sealed_licenses'))}；"
        f"国家电子证照工程标准省级未制成的{len(unmade)}类" + (f"（{'、'.join(unmade)}）" if unmade else "") + "，"
        f"市级各市均未制出的{len(none_city)}类" + (f"（{'、'.join(none_city)}）" if none_city else "") + "；"
        f"电子印章部门覆盖度{total_figure(b, 7, 'city_area', 'seal_coverage')}，未达到100%的省辖市"
        f"{name_list(below_target(b[7].block('city_area'), 'seal_coverage'))}（见表4至表7）。"
    )


def _point_three(b: Tables) -> str:
    t08, t09 = b[8], b[9]
    return (
        f"本期统一受理事项覆盖度：省辖市（不含所辖县（市、区））{total_figure(b, 8, 'city_level', 'ua_coverage')}，"
        f"最低为{_lowest(t08.block('city_level'), 'ua_coverage')}；"
        f"省直管县（市）{total_figure(b, 8, 'direct_county', 'ua_coverage')}，"
        f"最低为{_lowest(t08.block('direct_county'), 'ua_coverage')}；"
        f"省辖市属县（市、区）{total_figure(b, 9, 'city_counties', 'ua_coverage')}，"
        f"最低为{_lowest(t09.block('city_counties'), 'ua_coverage')}（见表8、表9）。"
    )


def _point_four(b: Tables) -> str:
    province = b[12].blocks[0].lines
    counties = b[13].blocks[0].lines
    not_started = [line for line in (*province, *counties) if line.cell("integration_started_text").text == "否"]
    return (
        f"本期仍有省直部门业务系统{len(province)}个、省直管县（市）业务系统{len(counties)}个未完成统一身份认证，"
        f"其中尚未开展对接的{len(not_started)}个"
        + (f"（{'、'.join(line.cell('system_name').text for line in not_started)}）" if not_started else "")
        + "（见表12、表13）。"
    )


def _point_five(b: Tables) -> str:
    return (
        f"本期主动评价覆盖事项率低于20%的：{_per_part(b, 14, 'item_coverage')}；{_per_part(b, 15, 'item_coverage')}。"
        f"差评按期整改率未达到100%的：{_per_part(b, 14, 'rectify_on_time')}；{_per_part(b, 15, 'rectify_on_time')}。"
        f"咨询按期办结率未达到100%的：{_per_part(b, 16, 'consult_on_time')}；{_per_part(b, 17, 'consult_on_time')}。"
        f"投诉按期办结率未达到100%的：{_per_part(b, 16, 'complaint_on_time')}；{_per_part(b, 17, 'complaint_on_time')}"
        "（见表14至表17）。"
    )


FIGURES = (_point_one, _point_two, _point_three, _point_four, _point_five)


def work_points(tables: Sequence[Table]) -> list[str]:
    """The five points, each its standing text followed by this snapshot's figures."""
    by_no = {table.spec.no: table for table in tables}
    return [f"{text}{figures(by_no)}" for text, figures in zip(POINTS, FIGURES)]
