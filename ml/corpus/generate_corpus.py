#!/usr/bin/env python3
"""Deterministic generator of RiskWatch's labelled training corpus (ml/data/corpus.jsonl).

Every report is rendered from a small set of *facts* (sector, category, workers, amount,
collective-action status and timing, hazards). The label is the MODEL-211 rubric applied
to the facts that the rendered report actually shows (its structured fields plus what its
text says), so labels are consistent by construction. `observable` values are exactly what
a reader of the report can know: "三百多个骑手" shows 300, "hundreds of workers" shows 200.

Labelling conventions where the rubric is silent (also written in ml/README.md):
  * workers are counted in bands 1-9 blue, 10-99 yellow, 100-499 orange, >=500 red for any
    dispute, whatever its category (the rubric lists arrears and pay changes; the same sizes
    are used for every dispute);
  * a collective action (strike, protest, sit-in) under way or planned by a group whose size
    the report does not give is graded orange: a workforce acting together is presumed to
    reach the 30-worker line, and an early-warning system must not under-grade it;
  * a group of unknown size with a grievance but no action is yellow;
  * a road block or a gathering at government or platform offices that is under way or
    planned is red whatever its timing; only rumoured, it is yellow;
  * a planned action of >= 100 workers always carries a time (text or expectedAt).

Python 3 standard library only; fixed seed; no input files. Usage:
    python3 ml/corpus/generate_corpus.py [--count 5000] [--out ml/data/corpus.jsonl]
"""

import argparse
import datetime as dt
import json
import os
import random
import uuid

SEED = 211
NAMESPACE = uuid.UUID("6f1c1c9e-2a7b-4f5e-9d0a-211211211211")
TZ = dt.timezone(dt.timedelta(hours=8))

# ---------------------------------------------------------------- vocabulary

CITIES = {
    "深圳市": ("Shenzhen", "Guangdong", {"龙岗区": ["坂田街道", "布吉街道", "横岗街道", "龙城街道"], "南山区": ["粤海街道", "西丽街道", "桃源街道"], "宝安区": ["西乡街道", "福永街道", "沙井街道", "石岩街道"], "福田区": ["华强北街道", "梅林街道", "香蜜湖街道"], "龙华区": ["民治街道", "大浪街道", "观澜街道"]}),
    "广州市": ("Guangzhou", "Guangdong", {"天河区": ["石牌街道", "林和街道", "棠下街道"], "白云区": ["三元里街道", "京溪街道", "太和镇"], "番禺区": ["大石街道", "市桥街道", "南村镇"], "海珠区": ["江南中街道", "琶洲街道"]}),
    "东莞市": ("Dongguan", "Guangdong", {"长安镇": ["霄边社区", "乌沙社区"], "虎门镇": ["太平社区", "北栅社区"], "塘厦镇": ["林村社区", "石潭埔社区"], "厚街镇": ["河田社区", "赤岭社区"]}),
    "佛山市": ("Foshan", "Guangdong", {"南海区": ["桂城街道", "大沥镇", "狮山镇"], "顺德区": ["大良街道", "容桂街道", "北滘镇"]}),
    "上海市": ("Shanghai", "Shanghai", {"浦东新区": ["张江镇", "川沙新镇", "金桥镇", "花木街道"], "闵行区": ["莘庄镇", "七宝镇", "梅陇镇"], "松江区": ["九亭镇", "泗泾镇", "车墩镇"], "嘉定区": ["江桥镇", "安亭镇"]}),
    "北京市": ("Beijing", "Beijing", {"朝阳区": ["望京街道", "酒仙桥街道", "三里屯街道", "双井街道"], "海淀区": ["中关村街道", "上地街道", "学院路街道"], "大兴区": ["亦庄镇", "西红门镇", "旧宫镇"], "通州区": ["梨园镇", "永顺镇"]}),
    "杭州市": ("Hangzhou", "Zhejiang", {"余杭区": ["仓前街道", "五常街道", "良渚街道"], "西湖区": ["文新街道", "蒋村街道"], "萧山区": ["北干街道", "宁围街道"]}),
    "成都市": ("Chengdu", "Sichuan", {"武侯区": ["红牌楼街道", "簇桥街道", "玉林街道"], "郫都区": ["犀浦街道", "郫筒街道"], "双流区": ["东升街道", "九江街道"], "成华区": ["建设路街道", "猛追湾街道"]}),
    "重庆市": ("Chongqing", "Chongqing", {"渝北区": ["龙溪街道", "回兴街道", "两路街道"], "九龙坡区": ["杨家坪街道", "石桥铺街道"], "沙坪坝区": ["小龙坎街道", "井口街道"]}),
    "武汉市": ("Wuhan", "Hubei", {"洪山区": ["关山街道", "珞南街道", "狮子山街道"], "江汉区": ["汉兴街道", "常青街道"], "东西湖区": ["吴家山街道", "金银湖街道"]}),
    "郑州市": ("Zhengzhou", "Henan", {"金水区": ["花园路街道", "经八路街道"], "中原区": ["桐柏路街道", "须水街道"], "航空港区": ["新港办事处", "滨河办事处"]}),
    "西安市": ("Xi'an", "Shaanxi", {"雁塔区": ["小寨路街道", "电子城街道", "丈八沟街道"], "未央区": ["大明宫街道", "张家堡街道"]}),
    "南京市": ("Nanjing", "Jiangsu", {"江宁区": ["东山街道", "秣陵街道", "淳化街道"], "鼓楼区": ["湖南路街道", "宁海路街道"]}),
    "苏州市": ("Suzhou", "Jiangsu", {"工业园区": ["娄葑街道", "斜塘街道", "唯亭街道"], "昆山市": ["玉山镇", "花桥镇", "张浦镇"], "吴中区": ["长桥街道", "郭巷街道"]}),
    "天津市": ("Tianjin", "Tianjin", {"滨海新区": ["塘沽街道", "新港街道", "大港街道"], "西青区": ["杨柳青镇", "李七庄街道"]}),
    "长沙市": ("Changsha", "Hunan", {"岳麓区": ["望月湖街道", "观沙岭街道"], "雨花区": ["侯家塘街道", "高桥街道"]}),
    "合肥市": ("Hefei", "Anhui", {"蜀山区": ["三里庵街道", "琥珀街道"], "包河区": ["芜湖路街道", "常青街道"]}),
    "青岛市": ("Qingdao", "Shandong", {"黄岛区": ["辛安街道", "长江路街道"], "城阳区": ["流亭街道", "夏庄街道"]}),
    "厦门市": ("Xiamen", "Fujian", {"思明区": ["莲前街道", "鹭江街道"], "湖里区": ["殿前街道", "金山街道"]}),
    "泉州市": ("Quanzhou", "Fujian", {"晋江市": ["陈埭镇", "池店镇"], "石狮市": ["灵秀镇", "宝盖镇"]}),
    "昆明市": ("Kunming", "Yunnan", {"官渡区": ["关上街道", "吴井街道"], "盘龙区": ["拓东街道", "联盟街道"]}),
    "沈阳市": ("Shenyang", "Liaoning", {"铁西区": ["兴华街道", "重工街道"], "浑南区": ["五三街道", "白塔街道"]}),
    "南宁市": ("Nanning", "Guangxi", {"青秀区": ["新竹街道", "中山街道"], "西乡塘区": ["北湖街道", "安吉街道"]}),
    "石家庄市": ("Shijiazhuang", "Hebei", {"长安区": ["育才街道", "建北街道"], "裕华区": ["裕兴街道", "槐底街道"]}),
    "贵阳市": ("Guiyang", "Guizhou", {"观山湖区": ["金华园街道", "世纪城街道"], "南明区": ["花果园街道", "兴关路街道"]}),
    "济南市": ("Jinan", "Shandong", {"历下区": ["泉城路街道", "甸柳街道"], "槐荫区": ["段店北路街道", "营市街街道"]}),
    "哈尔滨市": ("Harbin", "Heilongjiang", {"南岗区": ["花园街道", "荣市街道"], "道里区": ["新阳路街道", "群力街道"]}),
    "兰州市": ("Lanzhou", "Gansu", {"城关区": ["酒泉路街道", "雁南街道"], "七里河区": ["西园街道", "敦煌路街道"]}),
    "南昌市": ("Nanchang", "Jiangxi", {"红谷滩区": ["沙井街道", "卫东街道"], "青山湖区": ["湖坊镇", "京东镇"]}),
    "太原市": ("Taiyuan", "Shanxi", {"小店区": ["坞城街道", "北营街道"], "迎泽区": ["柳巷街道", "桥东街道"]}),
}

# Small towns and prefecture cities appear only in headline texts (the informant form is city-level).
EXTRA_PLACES_EN = [
    ("Huizhou", "Guangdong"), ("Zhongshan", "Guangdong"), ("Jiangmen", "Guangdong"), ("Shantou", "Guangdong"),
    ("Wenzhou", "Zhejiang"), ("Ningbo", "Zhejiang"), ("Jinhua", "Zhejiang"), ("Taizhou", "Zhejiang"), ("Yiwu", "Zhejiang"),
    ("Wuxi", "Jiangsu"), ("Changzhou", "Jiangsu"), ("Nantong", "Jiangsu"), ("Xuzhou", "Jiangsu"),
    ("Luoyang", "Henan"), ("Nanyang", "Henan"), ("Xinxiang", "Henan"), ("Zhoukou", "Henan"),
    ("Mianyang", "Sichuan"), ("Nanchong", "Sichuan"), ("Yibin", "Sichuan"), ("Weifang", "Shandong"), ("Linyi", "Shandong"),
    ("Yantai", "Shandong"), ("Baoding", "Hebei"), ("Tangshan", "Hebei"), ("Handan", "Hebei"), ("Datong", "Shanxi"),
    ("Zhuzhou", "Hunan"), ("Hengyang", "Hunan"), ("Yichang", "Hubei"), ("Xiangyang", "Hubei"), ("Ganzhou", "Jiangxi"),
    ("Liuzhou", "Guangxi"), ("Guilin", "Guangxi"), ("Zunyi", "Guizhou"), ("Qujing", "Yunnan"), ("Baotou", "Inner Mongolia"),
    ("Hohhot", "Inner Mongolia"), ("Urumqi", "Xinjiang"), ("Yinchuan", "Ningxia"), ("Xining", "Qinghai"), ("Haikou", "Hainan"),
    ("Sanya", "Hainan"), ("Dalian", "Liaoning"), ("Anshan", "Liaoning"), ("Changchun", "Jilin"), ("Jilin City", "Jilin"),
    ("Daqing", "Heilongjiang"), ("Bengbu", "Anhui"), ("Wuhu", "Anhui"), ("Putian", "Fujian"), ("Zhangzhou", "Fujian"),
]

PLATFORMS = {
    "food_delivery": [("美团", "Meituan", "meituan"), ("饿了么", "Ele.me", "eleme"), ("达达", "Dada", "dada"), ("闪送", "Shansong", "shansong"), ("叮咚买菜", "Dingdong", "dingdong"), ("盒马", "Hema", "hema"), ("朴朴超市", "Pupu", "pupu"), ("京东秒送", "JD Express Delivery", "jdms")],
    "courier": [("顺丰", "SF Express", "sf"), ("中通", "ZTO", "zto"), ("圆通", "YTO", "yto"), ("韵达", "Yunda", "yunda"), ("申通", "STO", "sto"), ("极兔", "J&T", "jt"), ("京东物流", "JD Logistics", "jdl"), ("邮政EMS", "China Post EMS", "ems"), ("德邦", "Deppon", "deppon"), ("菜鸟驿站", "Cainiao", "cainiao")],
    "ride_hailing": [("滴滴出行", "DiDi", "didi"), ("曹操出行", "Caocao", "caocao"), ("T3出行", "T3", "t3"), ("高德打车", "Amap Taxi", "amap"), ("花小猪", "Huaxiaozhu", "hxz"), ("如祺出行", "Ruqi", "ruqi"), ("享道出行", "Xiangdao", "xiangdao")],
    "freight": [("货拉拉", "Lalamove", "lalamove"), ("满帮", "Full Truck Alliance", "fta"), ("快狗打车", "GoGoVan", "kuaigou"), ("运满满", "Yunmanman", "ymm"), ("滴滴货运", "DiDi Freight", "didifreight")],
    "domestic_service": [("58到家", "58 Daojia", "58daojia"), ("天鹅到家", "Tiane Daojia", "tiane"), ("阿姨来了", "Ayilaile", "ayilaile"), ("好慷在家", "Haokang", "haokang"), ("e家政", "eJiazheng", "ejz")],
}

ZH_PLACE_WORDS = ["鑫", "宏", "盛", "华", "泰", "安", "恒", "嘉", "永", "隆", "金", "源", "丰", "达", "信", "利", "富", "海", "东", "润", "创", "新", "瑞", "昌", "兴", "德", "明", "通", "远", "宇"]
EN_PLACE_WORDS = ["Xin", "Hong", "Sheng", "Hua", "Tai", "An", "Heng", "Jia", "Yong", "Long", "Jin", "Yuan", "Feng", "Da", "Xinli", "Fuhai", "Dongrun", "Chuangxin", "Ruichang", "Xingde", "Mingtong", "Yuanyu", "Baolong", "Kaida", "Lianfa"]

ENTERPRISE_KINDS = {
    "manufacturing": [("电子厂", "Electronics", "electronics factory"), ("制衣厂", "Garment", "garment factory"), ("鞋厂", "Footwear", "shoe factory"), ("玩具厂", "Toys", "toy factory"), ("汽配厂", "Auto Parts", "auto parts plant"), ("家具厂", "Furniture", "furniture factory"), ("五金厂", "Hardware", "hardware factory"), ("纺织厂", "Textile", "textile mill"), ("塑胶厂", "Plastics", "plastics plant"), ("食品厂", "Foods", "food processing plant"), ("印刷厂", "Printing", "printing plant"), ("钢铁厂", "Steel", "steel mill"), ("手袋厂", "Handbags", "handbag factory"), ("灯饰厂", "Lighting", "lighting factory")],
    "construction": [("建筑工程有限公司", "Construction", "construction company"), ("建设集团", "Construction Group", "construction group"), ("房地产开发公司", "Property Development", "property developer"), ("劳务分包公司", "Labour Subcontracting", "labour subcontractor"), ("装饰工程公司", "Decoration Engineering", "fit-out contractor"), ("路桥公司", "Road and Bridge", "road and bridge company")],
    "food_delivery": [("配送服务有限公司", "Delivery Services", "delivery company"), ("餐饮管理公司", "Catering", "catering company"), ("即时配送科技公司", "Instant Delivery Tech", "delivery tech company")],
    "courier": [("物流有限公司", "Logistics", "logistics company"), ("快递有限公司", "Express", "express company"), ("仓储物流中心", "Warehousing", "warehouse")],
    "ride_hailing": [("汽车租赁公司", "Car Rental", "car rental company"), ("出租汽车公司", "Taxi Co.", "taxi company"), ("出行科技公司", "Mobility Tech", "ride-hailing fleet operator")],
    "freight": [("运输有限公司", "Transport", "transport company"), ("货运物流公司", "Freight Logistics", "freight company"), ("搬家公司", "Removals", "removals company")],
    "domestic_service": [("家政服务有限公司", "Housekeeping Services", "housekeeping company"), ("母婴护理中心", "Maternity Care", "maternity care centre"), ("养老护理院", "Care Home", "care home")],
    "other": [("物业管理公司", "Property Management", "property management company"), ("环卫服务公司", "Sanitation Services", "sanitation company"), ("保安服务公司", "Security Services", "security company"), ("民办学校", "Private School", "private school"), ("医院", "Hospital", "hospital"), ("酒店", "Hotel", "hotel"), ("公交公司", "Bus Company", "bus company"), ("超市", "Supermarket", "supermarket"), ("餐饮连锁店", "Restaurant Chain", "restaurant chain"), ("矿业公司", "Mining", "coal mine")],
}

AGENT_KINDS = [("人力资源有限公司", "Human Resources Co.", "staffing agency"), ("劳务派遣公司", "Labour Dispatch Co.", "labour dispatch agency"), ("外包服务公司", "Outsourcing Services", "outsourcer"), ("配送服务有限公司", "Delivery Services Co.", "delivery outsourcer"), ("供应链管理公司", "Supply Chain Co.", "logistics outsourcer")]

WORKERS_ZH = {
    "food_delivery": ["骑手", "外卖骑手", "外卖员", "外卖小哥", "送餐员", "众包骑手", "专送骑手"],
    "courier": ["快递员", "快递小哥", "分拣员", "派件员", "快递网点员工", "转运中心工人"],
    "ride_hailing": ["网约车司机", "司机", "出租车司机", "的哥", "网约车师傅"],
    "freight": ["货车司机", "货运司机", "卡车司机", "搬运工", "跑车师傅"],
    "domestic_service": ["家政阿姨", "保洁员", "月嫂", "育儿嫂", "护工", "家政工"],
    "manufacturing": ["工人", "员工", "普工", "流水线工人", "车间工人", "女工"],
    "construction": ["农民工", "建筑工人", "工人", "钢筋工", "泥水工", "木工师傅"],
    "other": ["环卫工人", "保安", "教师", "护士", "保洁员", "食堂员工", "公交司机", "员工"],
}
WORKERS_EN = {
    "food_delivery": ["riders", "delivery riders", "food delivery riders", "couriers", "delivery workers", "gig riders"],
    "courier": ["couriers", "express couriers", "parcel sorters", "delivery workers", "warehouse workers", "sorting staff"],
    "ride_hailing": ["drivers", "ride-hailing drivers", "taxi drivers", "cab drivers", "app drivers"],
    "freight": ["truck drivers", "freight drivers", "van drivers", "lorry drivers", "porters"],
    "domestic_service": ["domestic workers", "cleaners", "nannies", "housekeepers", "care workers"],
    "manufacturing": ["workers", "factory workers", "assembly line workers", "employees", "migrant workers", "staff"],
    "construction": ["construction workers", "migrant workers", "workers", "builders", "labourers"],
    "other": ["sanitation workers", "security guards", "teachers", "nurses", "cleaners", "bus drivers", "employees", "canteen staff"],
}
ONE_WORKER_ZH = {"food_delivery": "骑手", "courier": "快递员", "ride_hailing": "司机", "freight": "货车司机", "domestic_service": "家政阿姨", "manufacturing": "工人", "construction": "工人", "other": "员工"}
ONE_WORKER_EN = {"food_delivery": "rider", "courier": "courier", "ride_hailing": "driver", "freight": "truck driver", "domestic_service": "domestic worker", "manufacturing": "worker", "construction": "worker", "other": "employee"}

SECTORS = ["food_delivery", "courier", "ride_hailing", "freight", "domestic_service", "manufacturing", "construction", "other"]
SECTOR_WEIGHTS = [20, 15, 10, 8, 7, 16, 15, 9]
CATEGORIES = ["wage_arrears", "collective_action", "pay_rule_change", "account_deactivation", "safety_incident", "working_hours", "social_insurance", "outsourcing_dispute", "closure_relocation", "other"]

GRADE_ORDER = ["none", "blue", "yellow", "orange", "red"]


# ---------------------------------------------------------------- number rendering

CN_DIGITS = "零一二三四五六七八九"


def cn_num(n, liang=True):
    """Chinese numeral for 0 < n < 100000, in the forms people type ("一百二十", "两千三")."""
    if n < 10:
        return "两" if (n == 2 and liang) else CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        h, r = divmod(n, 100)
        head = ("两" if h == 2 and liang else CN_DIGITS[h]) + "百"
        if r == 0:
            return head
        if r < 10:
            return head + "零" + CN_DIGITS[r]
        if r % 10 == 0 and random.random() < 0.5:
            return head + CN_DIGITS[r // 10]  # 一百二 = 120
        return head + (CN_DIGITS[r // 10] + "十" + (CN_DIGITS[r % 10] if r % 10 else ""))
    if n < 10000:
        t, r = divmod(n, 1000)
        head = ("两" if t == 2 and liang else CN_DIGITS[t]) + "千"
        if r == 0:
            return head
        if r < 100:
            return head + "零" + cn_num(r, False)
        if r % 100 == 0 and random.random() < 0.5:
            return head + CN_DIGITS[r // 100]  # 一千二 = 1200
        return head + cn_num(r, False)
    w, r = divmod(n, 10000)
    return cn_num(w) + "万" + (cn_num(r, False) if r else "")


EN_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten", 11: "eleven", 12: "twelve", 15: "fifteen", 20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy", 80: "eighty", 100: "a hundred", 200: "two hundred", 300: "three hundred", 500: "five hundred"}


def band_workers(w):
    if w is None:
        return None
    if w <= 0:
        return 0
    if w < 10:
        return 1
    if w < 30:
        return 2
    if w < 100:
        return 3
    if w < 500:
        return 4
    return 5


def fmt_int(n):
    return f"{n:,}" if (n >= 1000 and random.random() < 0.6) else str(n)


def render_workers_zh(v, noun):
    """Returns (text, observable, true) for a count of workers; true stays in the observable's band."""
    r = random.random()
    mw = random.choice(["名", "个", "位", "", "名"]) if noun not in ("人",) else ""
    if v >= 10 and r < 0.35:
        # approximate: 三十多个, 300余名, 上百, 近千 ...
        if v >= 1000 and v % 1000 == 0 and random.random() < 0.4:
            t = random.choice([f"上{cn_num(v // 1000) if v > 1000 else ''}千", f"{cn_num(v // 1000)}千多", f"{v}余"]).replace("上一千", "上千")
            if t == "上千" or t.startswith("上"):
                t = "上千" if v == 1000 else f"{cn_num(v // 1000)}千多"
            return f"{t}{mw}{noun}", v, v + random.randint(0, 300)
        if v == 1000 and random.random() < 0.5:
            return f"近千{mw}{noun}", 1000, random.randint(950, 999)
        if v == 100 and random.random() < 0.6:
            return f"上百{mw}{noun}", 100, random.randint(100, 160)
        if v == 200 and random.random() < 0.5:
            return random.choice([f"几百{mw}{noun}", f"数百{mw}{noun}", f"两三百{mw}{noun}"]), 200, random.randint(200, 380)
        if v == 30 and random.random() < 0.5:
            return f"几十{mw}{noun}", 30, random.randint(30, 60)
        if v == 10 and random.random() < 0.5:
            return f"十几{mw}{noun}", 10, random.randint(11, 19)
        if v == 20 and random.random() < 0.5:
            return f"二十来{mw or '个'}{noun}", 20, random.randint(18, 22)
        step = 100 if v >= 100 else 10
        if v % step == 0:
            num = cn_num(v) if random.random() < 0.5 else str(v)
            suffix = random.choice(["多", "余"]) if num.isdigit() else "多"
            true = v + random.randint(1, step - 1)
            if band_workers(true) == band_workers(v):
                return f"{num}{suffix}{mw}{noun}", v, true
    if r < 0.6 and v < 10000:
        # A Chinese numeral needs a measure word before a noun (五名木工, not 五木工).
        return f"{cn_num(v)}{mw or ('名' if noun != '人' else '')}{noun}", v, v
    if r < 0.7:
        return f"约{v}{mw}{noun}", v, v
    return f"{v}{mw}{noun}", v, v


def render_workers_en(v, noun):
    r = random.random()
    if v >= 10 and r < 0.4:
        if v == 200 and random.random() < 0.6:
            return f"hundreds of {noun}", 200, random.randint(200, 480)
        if v == 300 and random.random() < 0.6:
            return f"several hundred {noun}", 300, random.randint(300, 480)
        if v == 1000 and random.random() < 0.6:
            return random.choice([f"thousands of {noun}", f"nearly 1,000 {noun}", f"almost a thousand {noun}"]), 1000, random.randint(1000, 3000)
        if v == 30 and random.random() < 0.6:
            return f"dozens of {noun}", 30, random.randint(30, 60)
        if v == 12 and random.random() < 0.6:
            return f"a dozen {noun}", 12, 12
        if v == 100 and random.random() < 0.6:
            return random.choice([f"over a hundred {noun}", f"more than 100 {noun}", f"a hundred-odd {noun}", f"over one hundred {noun}"]), 100, random.randint(101, 150)
        lead = random.choice(["about", "around", "some", "roughly", "approximately", "over", "more than", "nearly", "close to", "at least", "up to"])
        true = v
        if lead in ("over", "more than"):
            true = v + random.randint(1, 9 if v < 100 else 50)
        elif lead in ("nearly", "close to"):
            true = v  # "nearly 40" is read as 40; the band stays the same by construction below
        if band_workers(true) != band_workers(v):
            true = v
        return f"{lead} {fmt_int(v)} {noun}", v, true
    if v in EN_WORDS and r < 0.6:
        w = EN_WORDS[v]
        return f"{w.capitalize() if random.random() < 0.2 else w} {noun}", v, v
    return f"{fmt_int(v)} {noun}", v, v


def render_amount_zh(a):
    """a: a round-ish amount in CNY; returns (text, observable)."""
    r = random.random()
    if a >= 10000 and a % 1000 == 0:
        w = a / 10000
        ws = f"{w:g}"
        if r < 0.45:
            return random.choice([f"{ws}万", f"{ws}万元", f"{ws}万块"]), a
        if r < 0.6 and a % 10000 == 0 and a < 100000000:
            return random.choice([f"{cn_num(int(w))}万", f"{cn_num(int(w))}万元"]), a
        if r < 0.7 and a % 100000 == 0:
            return f"{ws}多万", a
        return random.choice([f"{a}元", f"{a:,}元", f"人民币{a}元"]), a
    if a >= 1000 and a % 1000 == 0 and r < 0.5:
        k = a // 1000
        return random.choice([f"{k}千多元", f"{cn_num(k)}千多块", f"{cn_num(k)}千元", f"{k}千块"]), a
    return random.choice([f"{a}元", f"{a}块", f"{a}块钱", f"{cn_num(a)}块"]) if a < 100000 else f"{a}元", a


def render_amount_en(a):
    r = random.random()
    if a >= 1000000 and a % 100000 == 0 and r < 0.5:
        m = a / 1000000
        return random.choice([f"{m:g} million yuan", f"RMB {m:g} million", f"{m:g} million RMB", f"CNY {m:g} million"]), a
    return random.choice([f"{a:,} yuan", f"RMB {a:,}", f"¥{a:,}", f"CNY {a:,}", f"{a:,} RMB", f"{a} yuan"]), a


# ---------------------------------------------------------------- time phrases

WEEKDAYS_ZH = ["一", "二", "三", "四", "五", "六", "日"]
WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def at_hour(day, hour):
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=TZ)


def time_phrase(occurred, lang, want_within_48):
    """A phrase for when a planned action happens and the moment it denotes.

    The moment follows the same conventions as TextNumberExtractor: a day without an hour
    means 09:00 of that day; "within 48 hours" means 24 hours from the report."""
    d = occurred.date()
    wd = occurred.weekday()
    opts = []
    hour = random.choice([8, 9, 9, 10, 14, 15])
    hz = {8: "早上8点", 9: "上午9点", 10: "上午10点", 14: "下午2点", 15: "下午3点"}[hour]
    he = {8: "at 8am", 9: "at 9am", 10: "at 10am", 14: "at 2pm", 15: "at 3pm"}[hour]
    # (zh, en, datetime)
    opts.append((f"明天{hz}", f"tomorrow {he}", at_hour(d + dt.timedelta(days=1), hour)))
    opts.append(("明天", "tomorrow", at_hour(d + dt.timedelta(days=1), 9)))
    opts.append(("明早", "tomorrow morning", at_hour(d + dt.timedelta(days=1), 9)))
    opts.append(("后天", "the day after tomorrow", at_hour(d + dt.timedelta(days=2), 9)))
    opts.append((f"后天{hz}", f"the day after tomorrow {he}", at_hour(d + dt.timedelta(days=2), hour)))
    opts.append(("48小时内", "within 48 hours", occurred + dt.timedelta(hours=24)))
    opts.append(("这两天", "in the next day or two", occurred + dt.timedelta(hours=24)))
    if occurred.hour < 16:
        opts.append(("今晚", "tonight", at_hour(d, 20)))
        opts.append(("今天下午", "this afternoon", at_hour(d, 15)))
    for target in range(7):
        ahead = (target - wd) % 7 or 7
        opts.append((random.choice(["周", "星期", "这周"]) + WEEKDAYS_ZH[target], random.choice(["on ", "this ", ""]) + WEEKDAYS_EN[target], at_hour(d + dt.timedelta(days=ahead), 9)))
        nxt = 7 - wd + target
        opts.append(("下周" + WEEKDAYS_ZH[target], "next " + WEEKDAYS_EN[target], at_hour(d + dt.timedelta(days=nxt), 9)))
    opts.append(("下周", "next week", at_hour(d + dt.timedelta(days=7), 9)))
    opts.append(("三天后", "in three days", at_hour(d + dt.timedelta(days=3), 9)))
    opts.append(("大后天", "in three days", at_hour(d + dt.timedelta(days=3), 9)))
    opts.append(("五天后", "in five days", at_hour(d + dt.timedelta(days=5), 9)))
    opts.append(("下个月初", "early next month", at_hour(d + dt.timedelta(days=30), 9)))
    opts.append(("十天后", "in ten days", at_hour(d + dt.timedelta(days=10), 9)))
    good = [o for o in opts if ((o[2] - occurred).total_seconds() / 3600 <= 48) == want_within_48 and o[2] > occurred]
    zh, en, when = random.choice(good)
    return (zh if lang == "zh" else en), when


# ---------------------------------------------------------------- facts and label

def rubric(f):
    """MODEL-211 applied to what the report shows; the highest matching grade wins."""
    if f["kind"] == "noise":
        return "none"
    w = f["w_obs"]
    a = f["a_obs"] or 0
    st = f["status"]
    hrs = f["hours"]
    unknown_group = w is None and f["group"]
    acting = st == "underway" or (st == "planned" and (hrs is None or hrs <= 48))
    hz = f["hazards"]
    reasons = []
    if w is not None and w >= 100 and acting:
        reasons.append("red")
    if f["place"] in ("road", "gov", "platform_office") and st in ("underway", "planned"):
        reasons.append("red")
    if hz & {"self_harm", "death", "multi_injury", "arrests", "violence"}:
        reasons.append("red")
    if a >= 5_000_000 or (w is not None and w >= 500):
        reasons.append("red")
    if "red" in reasons:
        return "red"
    if st in ("underway", "planned") and ((w is not None and w >= 30) or unknown_group):
        return "orange"
    if st == "planned" and w is not None and w >= 100:
        return "orange"
    if (w is not None and w >= 100) or a >= 1_000_000 or "serious_injury" in hz:
        return "orange"
    if (w is not None and w >= 10) or st == "rumoured" or a >= 100_000 or f["closure_unsettled"] or "hazard" in hz or unknown_group:
        return "yellow"
    return "blue"


# ---------------------------------------------------------------- helpers

def pick(xs):
    return random.choice(xs)


def chance(p):
    return random.random() < p


def zh_join(parts):
    parts = [p for p in parts if p]
    out = ""
    for i, p in enumerate(parts):
        out += p
        if i < len(parts) - 1 and not p.endswith(("。", "，", "！", "？", "!", "?", ",", "；", "…")):
            out += pick(["，", "，", "，", ",", "。", " ", "，"])
    if not out.endswith(("。", "！", "？", "!", "?", "…", "~")):
        out += pick(["。", "。", "！", "", "!!", "。。", "…", "?"])
    return out


def en_join(parts):
    parts = [p for p in parts if p]
    out = ""
    for i, p in enumerate(parts):
        p = p[0].upper() + p[1:] if (i == 0 or out.endswith((".", "!", "?"))) and p else p
        out += p
        if i < len(parts) - 1 and not p.endswith((".", "!", "?", ",")):
            out += pick([". ", ". ", ", ", " - ", ". ", "; "])
        elif i < len(parts) - 1:
            out += " "
    if not out.endswith((".", "!", "?")):
        out += pick([".", ".", "!", "", "..", "?"])
    return out


ZH_TYPOS = [("的", "得"), ("在", "再"), ("工资", "公资"), ("已经", "以经"), ("那里", "哪里"), ("账号", "帐号"), ("现在", "先在"), ("罢工", "罢公"), ("拖欠", "拖千")]


def roughen_zh(t):
    if chance(0.15):
        a, b = pick(ZH_TYPOS)
        t = t.replace(a, b, 1)
    if chance(0.15):
        t = t.replace("，", " ")
    if chance(0.1):
        t = t.replace("。", "")
    if chance(0.08):
        t = t + pick(["[流泪]", "[发怒]", "😡", "🙏", "……", "???"])
    return t


def roughen_en(t):
    if chance(0.18):
        t = t.lower()
    if chance(0.12):
        words = t.split(" ")
        i = random.randrange(len(words))
        wd = words[i]
        if len(wd) > 4 and wd.isalpha():
            j = random.randrange(1, len(wd) - 1)
            words[i] = wd[:j] + wd[j + 1:]
        t = " ".join(words)
    if chance(0.1):
        t = t.replace("you", "u").replace("please", "pls").replace("are", "r", 1)
    if chance(0.08):
        t = t.replace(". ", " ").replace(",", "")
    return t


ANGRY_ZH = ["太过分了！！", "气死人了", "简直欺负人", "再这样下去要出大事", "大家都快疯了", "这还有没有王法", "真的忍不了了", "凭什么啊", "黑心老板！", "坑人！！！"]
CALM_ZH = ["情况如上，请知悉", "特此反映", "供参考", "麻烦工会关注一下", "以上情况属实", "请相关部门了解", "目前情况比较平稳", "现场秩序正常", "暂时没什么动静"]
ANGRY_EN = ["This is outrageous!!", "Absolutely disgusting.", "we are so angry", "Nobody can take this anymore!", "total scam", "they treat us like dirt", "Unbelievable!!!", "shame on them"]
CALM_EN = ["For your information.", "Please note.", "Reporting for follow-up.", "Situation is calm for now.", "No further details yet.", "Thanks for looking into it.", "Everything is orderly at the moment."]
OPEN_ZH = ["", "", "", "反映个情况：", "你好，", "工会同志你好，", "报告：", "【信息员上报】", "紧急！", "求助！", "有个事跟你们说下，", "我是站点的信息员，", "各位领导好，", "听站里兄弟说，"]
OPEN_EN = ["", "", "", "Hi, ", "Report: ", "Urgent: ", "FYI: ", "Hello union, ", "Informant update - ", "Need help. "]


# ---------------------------------------------------------------- subjects

def make_subject(sector, lang, kind=None):
    city = pick(list(CITIES))
    en_city, province, districts = CITIES[city]
    district = pick(list(districts))
    street = pick(districts[district])
    plat = None
    if sector in PLATFORMS:
        plat = pick(PLATFORMS[sector])
    if kind is None:
        if sector in PLATFORMS:
            kind = random.choices(["site", "platform", "agent", "enterprise", "other"], [45, 20, 20, 10, 5])[0]
        else:
            kind = random.choices(["enterprise", "agent", "site", "other"], [70, 15, 10, 5])[0]
    w1, w2 = pick(ZH_PLACE_WORDS), pick(ZH_PLACE_WORDS)
    e1 = pick(EN_PLACE_WORDS)
    street_short = street.replace("街道", "").replace("社区", "").replace("镇", "").replace("办事处", "")
    if kind == "platform" and plat:
        name_zh, name_en = plat[0], plat[1]
        desc_zh, desc_en = plat[0] + "平台", plat[1]
    elif kind == "site" and plat:
        suffix = {"food_delivery": ["配送站", "站点", "专送站", "骑手站"], "courier": ["网点", "分拣中心", "营业部", "转运中心"], "ride_hailing": ["司机服务站", "运营中心"], "freight": ["货运站", "司机之家"], "domestic_service": ["门店", "服务站"]}.get(sector, ["站点"])
        s = pick(suffix)
        name_zh = f"{plat[0]}{street_short}{s}"
        en_s = {"配送站": "delivery station", "站点": "station", "专送站": "delivery station", "骑手站": "rider station", "网点": "depot", "分拣中心": "sorting centre", "营业部": "branch", "转运中心": "hub", "司机服务站": "driver centre", "运营中心": "operations centre", "货运站": "freight yard", "司机之家": "driver hub", "门店": "branch", "服务站": "service point"}[s]
        name_en = f"{plat[1]} {en_city} {e1} {en_s}"
        desc_zh, desc_en = name_zh, f"a {plat[1]} {en_s} in {en_city}"
    elif kind == "agent":
        ak = pick(AGENT_KINDS)
        name_zh = f"{city[:2]}{w1}{w2}{ak[0]}"
        name_en = f"{en_city} {e1} {ak[1]}"
        desc_zh = pick([name_zh, "代理商" + name_zh, "外包公司" + name_zh, name_zh])
        desc_en = pick([f"the {ak[2]} {name_en}", f"{name_en}", f"an {ak[2]}" if ak[2][0] in "aeiou" else f"a {ak[2]}"])
    elif kind == "other":
        name_zh = pick([f"{street_short}某小区物业", f"{district}某工地项目部", f"{street_short}商业街商户", f"{city[:2]}某包工头"])
        name_en = pick([f"a residential compound in {en_city}", f"a project team in {en_city}", f"a labour contractor in {en_city}"])
        desc_zh, desc_en = name_zh, name_en
    else:
        ek_sector = sector if sector in ENTERPRISE_KINDS else pick(list(ENTERPRISE_KINDS))
        ek = pick(ENTERPRISE_KINDS[ek_sector])
        name_zh = f"{city[:2]}{w1}{w2}{ek[0]}"
        name_en = f"{e1} {ek[1]}" + pick(["", " Co.", " Ltd", " Factory" if ek_sector == "manufacturing" else " Co."])
        desc_zh = pick([name_zh, f"{w1}{w2}{ek[0]}", f"{district}一家{ek[0]}"])
        desc_en = pick([name_en, f"a {ek[2]}", f"the {ek[2]}", f"{name_en}"])
    return {
        "city": city, "district": district if chance(0.85) else None, "street": street if chance(0.6) else None,
        "en_city": en_city, "province": province, "kind": kind, "name": name_zh if lang == "zh" or chance(0.5) else name_en,
        "platform": (plat[0] if lang == "zh" else plat[1]) if plat and kind != "platform" and chance(0.7) else (plat[0] if plat and kind == "platform" else None),
        "plat": plat, "desc": desc_zh if lang == "zh" else desc_en, "district_name": district, "street_name": street,
    }


# ---------------------------------------------------------------- fact sampling by target grade

def sample_facts(target):
    f = {"kind": "labour", "w": None, "group": False, "amount": None, "status": "none", "hours": None, "place": None,
         "hazards": set(), "closure_unsettled": False, "action_kind": None, "pay_change": False, "individual": False}
    lo_hi = {"blue": (1, 9), "yellow": (10, 29), "orange": (30, 99), "red": (100, 499)}

    def workers(lo, hi):
        roundish = [v for v in (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 90, 100, 120, 150, 200, 230, 260, 300, 350, 400, 450, 500, 600, 800, 1000, 1200, 1500, 2000, 3000) if lo <= v <= hi]
        return pick(roundish) if roundish and chance(0.8) else random.randint(lo, hi)

    if target == "red":
        driver = random.choices(["big_action", "road", "gov", "platform_office", "self_harm", "death", "multi_injury", "arrests", "amount", "mass"], [30, 10, 10, 5, 10, 10, 4, 7, 7, 7])[0]
        if driver == "big_action":
            f["w"] = workers(100, 3000)
            f["status"] = pick(["underway", "underway", "planned"])
            if f["status"] == "planned":
                f["hours"] = "le48"
        elif driver in ("road", "gov", "platform_office"):
            f["place"] = driver
            f["status"] = pick(["underway", "underway", "planned"])
            if f["status"] == "planned":
                f["hours"] = pick(["le48", "gt48"])
            f["w"] = workers(5, 400) if chance(0.6) else None
            f["group"] = True
        elif driver == "self_harm":
            f["hazards"].add("self_harm")
            f["w"] = 1
            f["individual"] = True
            f["amount"] = pick([None, random.randint(2, 60) * 1000])
        elif driver == "death":
            f["hazards"].add("death")
            f["w"] = pick([1, 1, None])
            f["individual"] = f["w"] == 1
        elif driver == "multi_injury":
            f["hazards"].add("multi_injury")
            f["w"] = random.randint(2, 8)
        elif driver == "arrests":
            f["hazards"].add(pick(["arrests", "violence"]))
            f["status"] = "underway"
            f["w"] = workers(5, 300) if chance(0.5) else None
            f["group"] = True
        elif driver == "amount":
            f["amount"] = pick([5_000_000, 6_000_000, 8_000_000, 12_000_000, 5_600_000, 20_000_000, 7_500_000])
            f["w"] = workers(20, 400) if chance(0.6) else None
            f["group"] = True
        else:
            f["w"] = workers(500, 3000)
            f["status"] = pick(["none", "none", "rumoured"])
    elif target == "orange":
        driver = random.choices(["mid_action", "far_action", "mass_issue", "amount", "serious_injury", "unknown_action"], [30, 14, 24, 12, 10, 10])[0]
        if driver == "mid_action":
            f["w"] = workers(30, 99)
            f["status"] = pick(["underway", "planned"])
            if f["status"] == "planned":
                f["hours"] = pick(["le48", "gt48"])
        elif driver == "far_action":
            f["w"] = workers(100, 480)
            f["status"] = "planned"
            f["hours"] = "gt48"
        elif driver == "mass_issue":
            f["w"] = workers(100, 480)
            f["status"] = pick(["none", "none", "rumoured"])
            f["pay_change"] = chance(0.4)
        elif driver == "amount":
            f["amount"] = pick([1_000_000, 1_200_000, 1_500_000, 2_000_000, 2_600_000, 3_000_000, 4_500_000, 1_800_000])
            f["w"] = workers(10, 99) if chance(0.6) else None
            f["group"] = True
        elif driver == "serious_injury":
            f["hazards"].add("serious_injury")
            f["w"] = 1
            f["individual"] = True
        else:
            f["status"] = pick(["underway", "underway", "planned"])
            if f["status"] == "planned":
                f["hours"] = pick(["le48", "gt48"])
            f["group"] = True
    elif target == "yellow":
        driver = random.choices(["mid_issue", "rumour", "amount", "closure", "hazard", "small_action", "unknown_group"], [32, 18, 12, 12, 10, 8, 8])[0]
        if driver == "mid_issue":
            f["w"] = workers(10, 99)
            f["pay_change"] = chance(0.3)
        elif driver == "rumour":
            f["status"] = "rumoured"
            f["w"] = workers(3, 99) if chance(0.6) else None
            f["group"] = True
            if chance(0.2):
                f["place"] = pick(["road", "gov", "platform_office"])
        elif driver == "amount":
            f["amount"] = pick([100_000, 120_000, 150_000, 200_000, 260_000, 300_000, 450_000, 500_000, 800_000, 960_000])
            f["w"] = workers(2, 9) if chance(0.5) else None
            f["group"] = f["w"] is None
        elif driver == "closure":
            f["closure_unsettled"] = True
            f["w"] = workers(2, 29) if chance(0.5) else None
            f["group"] = f["w"] is None
        elif driver == "hazard":
            f["hazards"].add("hazard")
            f["w"] = pick([None, workers(2, 29)])
            f["group"] = f["w"] is None
        elif driver == "small_action":
            f["w"] = workers(10, 29)
            f["status"] = pick(["underway", "planned"])
            if f["status"] == "planned":
                f["hours"] = pick(["le48", "gt48"])
        else:
            f["group"] = True
    else:  # blue
        f["w"] = workers(1, 9)
        f["individual"] = f["w"] == 1
        if chance(0.55):
            f["amount"] = pick([800, 1500, 2000, 2300, 3000, 4500, 6000, 8000, 12000, 20000, 35000, 50000, 60000, 90000])
        if chance(0.12) and f["w"] > 2:
            f["status"] = pick(["underway", "planned"])
            f["hours"] = "le48" if f["status"] == "planned" else None
        if chance(0.1):
            f["hazards"].add("minor_injury")
    return f


def category_for(f, sector):
    hz = f["hazards"]
    if hz & {"death", "multi_injury", "serious_injury", "hazard", "minor_injury"}:
        return "safety_incident"
    if f["closure_unsettled"]:
        return "closure_relocation"
    if f["pay_change"]:
        return pick(["pay_rule_change", "account_deactivation"]) if sector in PLATFORMS else "pay_rule_change"
    if f["amount"] and f["amount"] >= 100_000:
        return "wage_arrears"
    if f["status"] in ("underway", "planned") and chance(0.4):
        return "collective_action"
    opts = ["wage_arrears"] * 5 + ["pay_rule_change", "working_hours", "social_insurance", "outsourcing_dispute", "other"]
    if sector in PLATFORMS:
        opts += ["account_deactivation"] * 2 + ["outsourcing_dispute"]
    if f["individual"] and chance(0.4) and "self_harm" not in hz:
        opts += ["working_hours", "social_insurance", "other"]
    return pick(opts)


# ---------------------------------------------------------------- grievance phrases

def grievance_zh(cat, sector, amt_text, months):
    plat_words = {"food_delivery": "配送费", "courier": "派件费", "ride_hailing": "抽成", "freight": "运费", "domestic_service": "服务费"}.get(sector, "计件单价")
    m = pick([f"{months}个月", f"{cn_num(months)}个月", "两个多月", "大半年", "三个月"]) if months else pick(["上个月的", "这两个月的", "去年的"])
    amt = f"共{amt_text}" if amt_text and chance(0.5) else (f"{amt_text}" if amt_text else "")
    table = {
        "wage_arrears": [f"被拖欠{m}工资{amt}", f"工资{m}没发了{('，' + amt) if amt else ''}", f"老板欠{m}工钱{amt}", f"结算款拖着不给{('，' + amt) if amt else ''}", f"欠薪{amt or m}", f"{m}工资一分没拿到{('，' + amt) if amt else ''}", f"说好月底发工资到现在没发{('，' + amt) if amt else ''}"],
        "pay_rule_change": [f"{plat_words}突然下调{pick(['了两成', '一块钱', '百分之三十', '了不少'])}", f"平台新出罚款规则，超时一单扣{pick(['5', '10', '20', '五十'])}块", f"单价从{pick(['6', '7', '8'])}块降到{pick(['4', '4.5', '5'])}块", f"提成比例改了，每月少拿{pick(['一两千', '上千块', '好几百'])}", "考核规则改了，差评直接罚钱"] + ([amt_text and f"被扣了{amt_text}"] if amt_text else []),
        "account_deactivation": ["账号被平台封了", "账号无缘无故被停用", "被系统拉黑不能接单", "一批账号同时被封，申诉没人理", "账号被冻结，押金也不退"],
        "working_hours": ["每天要干十四个小时", "强制加班没有加班费", "一个月只休一天", "站长要求每天在线12小时以上", "连续上班二十多天没休息"],
        "social_insurance": ["公司一直不交社保", "没给买工伤保险", "社保断缴了好几个月", "受伤了公司不认工伤", "商业险被偷偷换成最便宜的"],
        "outsourcing_dispute": ["站点换了代理商，之前的工资新老板不认", "被转到外包公司名下，合同主体说换就换", "劳务派遣公司和用工单位互相推，没人管", "外包公司让签自愿放弃社保的协议", "新代理商要求重新交押金"],
        "closure_relocation": ["站点要撤了，工资和押金都没结清", "工厂突然搬迁，补偿一分没有", "老板跑路了，厂门都锁了，工资没结", "网点合并，被通知下周不用来了，欠的钱不说怎么算", "公司宣布停产，遣散费没谈"],
        "collective_action": [f"对{plat_words}下调很不满", f"被拖欠{m}工资{amt}", "对新的考核制度不满", "要求补发加班费", "讨要拖欠的工钱"],
        "safety_incident": ["干活时出了意外", "送货路上出了事故", "上班时出了事"],
        "other": ["站长经常辱骂骑手", "被收了各种名目的费用", "工服押金不退", "被要求交三千块保证金", "被克扣绩效奖金", "站长态度恶劣，动不动就骂人"],
    }
    g = pick([x for x in table.get(cat, table["other"]) if x])
    if amt_text and amt_text not in g and chance(0.7):
        g += pick([f"，一共{amt_text}", f"，涉及金额{amt_text}", f"，欠款约{amt_text}", f"，大概{amt_text}"])
    return g


def grievance_en(cat, sector, amt_text, months):
    fee = {"food_delivery": "per-order fee", "courier": "per-parcel rate", "ride_hailing": "commission", "freight": "freight rate", "domestic_service": "hourly rate"}.get(sector, "piece rate")
    m = pick([f"{months} months", f"{EN_WORDS.get(months, str(months))} months"]) if months else pick(["last month", "two months", "several months"])
    amt = f" totalling {amt_text}" if amt_text and chance(0.6) else (f" ({amt_text})" if amt_text else "")
    table = {
        "wage_arrears": [f"have not been paid for {m}{amt}", f"are owed {m} of wages{amt}", f"wages for {m} are still unpaid{amt}", f"the boss keeps delaying pay{amt}", f"unpaid wages{amt}", f"owed back pay{amt}"],
        "pay_rule_change": [f"the {fee} was cut {pick(['by 20%', 'by a third', 'again', 'without notice'])}", f"a new fine rule takes {pick(['5', '10', '20', '50'])} yuan for every late order", f"pay per order dropped from {pick(['6', '7', '8'])} to {pick(['4', '5'])} yuan", "the bonus scheme was scrapped overnight", "new penalty points system deducts pay for bad ratings"],
        "account_deactivation": ["their accounts were deactivated", "accounts were suspended without explanation", "were locked out of the app", "accounts got banned and appeals go nowhere", "accounts frozen and deposits kept"],
        "working_hours": ["are forced to work 14-hour days", "get no overtime pay", "only one day off a month", "must stay online 12 hours a day", "worked 25 days straight without rest"],
        "social_insurance": ["no social insurance has been paid", "the company never bought work injury insurance", "social insurance contributions stopped months ago", "the injury claim was refused", "pension contributions are missing"],
        "outsourcing_dispute": ["the station switched agents and the new one refuses to honour old wages", "contracts were moved to an outsourcer without consent", "the dispatch agency and the client blame each other", "the outsourcer demands they sign away social insurance", "the new agent wants a fresh deposit"],
        "closure_relocation": ["the station is closing with wages and deposits unsettled", "the factory is relocating with no compensation", "the boss ran off with wages unpaid and the gates are locked", "the depot is merging and nobody says what happens to unpaid pay", "the company halted production with no severance"],
        "collective_action": [f"a {fee} cut", f"unpaid wages{amt}", "a new appraisal system", "unpaid overtime", "wage arrears"],
        "safety_incident": ["there was an accident at work", "had an accident on the road", "something happened on shift"],
        "other": ["the station manager verbally abuses staff", "they are charged all sorts of fees", "uniform deposits are not returned", "they were told to pay a 3,000 yuan bond", "performance bonuses were docked", "the supervisor yells at everyone"],
    }
    g = pick(table.get(cat, table["other"]))
    if amt_text and amt_text not in g and chance(0.7):
        g += pick([f", {amt_text} in total", f", about {amt_text} owed", f", amount involved {amt_text}"])
    return g


ACTION_ZH = {
    "underway": ["正在罢工", "集体停工了", "今天都没上线，集体罢跑", "现在聚在站点门口不肯散", "拉着横幅在门口讨薪", "在厂门口静坐", "集体关App不接单", "聚集在公司门口讨说法", "已经停工一上午了"],
    "planned": ["约好{t}集体罢工", "准备{t}一起停工", "群里号召{t}去讨薪", "商量好{t}集体关App不跑单", "说{t}要去公司门口拉横幅", "打算{t}集体讨说法", "定了{t}全体停工"],
    "rumoured": ["听说有人想搞罢工", "群里有人说要停工，还没定", "有人在传要集体讨说法", "可能会有人闹", "有人嚷嚷要去闹，不知道真假", "有几个人私下说要罢工"],
}
ACTION_EN = {
    "underway": ["are on strike now", "walked off the job this morning", "have stopped work", "are protesting outside the station", "are holding banners at the gate demanding pay", "staged a sit-in at the office", "logged off the app together in protest", "are gathered at the company entrance"],
    "planned": ["plan to strike {t}", "will stop work {t}", "are organising a walkout {t}", "agreed in the group chat to log off together {t}", "intend to protest at the company {t}", "called for a strike {t}"],
    "rumoured": ["there is talk of a strike", "some people in the chat group mention stopping work, nothing decided", "rumours of a protest are going around", "a few of them say they might walk out", "people are muttering about doing something, unclear if serious"],
}
PLACE_ZH = {
    "road": {"underway": ["堵在路口不让车过", "把门口的马路堵了", "在国道上拦车", "坐在马路中间堵路"], "planned": ["约好{t}去堵路", "准备{t}把路口堵了", "说{t}要上高速拦车"], "rumoured": ["有人说要去堵路，不确定", "听说有人想去堵马路"]},
    "gov": {"underway": ["聚集在区政府门口讨薪", "去人社局门口拉横幅", "在市政府门口静坐", "围在劳动监察大队门口", "到信访局集体上访"], "planned": ["约了{t}去区政府讨薪", "准备{t}集体去市政府上访", "号召{t}去人社局门口聚集"], "rumoured": ["有人说要去政府门口闹", "听说有人想去上访"]},
    "platform_office": {"underway": ["围在平台办公室门口", "聚集在平台区域总部楼下", "堵在代理商公司门口讨说法"], "planned": ["约好{t}去平台办公室讨说法", "准备{t}去总部楼下拉横幅"], "rumoured": ["有人提议去平台总部闹一下", "听说要去代理商公司门口堵人"]},
}
PLACE_EN = {
    "road": {"underway": ["are blocking the road outside", "blocked a highway", "are sitting in the street stopping traffic", "blocked the main road to the industrial park"], "planned": ["plan to block the road {t}", "say they will block the highway {t}"], "rumoured": ["some talk about blocking the road, nothing fixed", "a rumour says they may block traffic"]},
    "gov": {"underway": ["are gathered outside the district government", "are protesting at the labour bureau", "staged a sit-in at city hall", "are petitioning at the government building"], "planned": ["plan to gather at the district government {t}", "will petition the labour bureau {t}", "called for a protest at city hall {t}"], "rumoured": ["some talk about going to the government offices", "rumour has it they may petition the city"]},
    "platform_office": {"underway": ["are gathered at the platform's regional office", "surrounded the agent's office"], "planned": ["plan to protest at the platform's office {t}", "will go to the company headquarters {t}"], "rumoured": ["some suggest going to the platform office", "rumour of a protest at headquarters"]},
}


def hazard_zh(h, sector, who1):
    return pick({
        "death": [f"一名{who1}送货途中被车撞了，人没了", f"昨天有个{who1}干活时出事身亡", f"一名{who1}从高处坠落，当场死亡", f"一个{who1}中暑晕倒，送医院没抢救过来", "工地塌方压死了一个人", f"有{who1}在宿舍猝死，家属在讨说法"],
        "multi_injury": [f"三名{who1}被砸成重伤", f"爆炸造成好几个{who1}重伤住院", "脚手架倒塌，多人重伤", f"{cn_num(random.randint(2, 5))}个{who1}烧伤严重"],
        "serious_injury": [f"一名{who1}摔断了腿，伤得很重", f"有个{who1}被机器压断了手指，重伤住院", f"一个{who1}被车撞成重伤，还在ICU", f"一名{who1}从梯子上摔下来颅骨骨折"],
        "minor_injury": ["擦破点皮，问题不大", "轻微擦伤，已经自己处理了", "崴了脚，休息两天就好"],
        "hazard": ["电动车电池在宿舍充电起火，差点出人命，幸好没人受伤", "脚手架没有防护网，随时可能出事，目前没有人员伤亡", "仓库消防通道被堵死了，没人管", "高温天气每天干十个小时，没有防暑措施，还好暂时没人晕倒", "车间粉尘很大，没有任何防护", "宿舍电线私拉乱接，很危险"],
        "self_harm": ["说再不给钱就从楼上跳下去", "扬言要喝农药", "已经爬到楼顶上了，说要跳楼", "说拿不到钱就不活了", "站在天桥上说要跳下去", "在群里发了遗书一样的话"],
        "arrests": ["警察来了，带走了几个人", "有人被派出所拘留了", "几个带头的被警察带走了"],
        "violence": ["保安动手打了人", "和管理人员发生冲突，有人被打伤", "老板找了一帮人来打工人", "推搡中有人受伤"],
    }[h])


def hazard_en(h, sector, who1):
    return pick({
        "death": [f"a {who1} was killed in a road accident while working", f"a {who1} died on the job yesterday", f"a {who1} fell from height and died at the scene", f"a {who1} collapsed from heatstroke and died", "a worker was crushed to death when a trench collapsed", f"a {who1} died suddenly in the dormitory and the family wants answers"],
        "multi_injury": [f"three {who1}s were seriously injured", "an explosion left several workers badly hurt", "scaffolding collapsed and several people were seriously injured", f"{pick(['two', 'four', 'five'])} {who1}s suffered severe burns"],
        "serious_injury": [f"one {who1} broke his leg and is in hospital", f"a {who1} lost fingers in a machine", f"a {who1} was hit by a car and is in intensive care", f"a {who1} fractured his skull in a fall"],
        "minor_injury": ["only minor scrapes", "a light bruise, nothing serious", "twisted an ankle, fine after a rest"],
        "hazard": ["a battery fire in the dorm nearly killed people, luckily nobody was hurt", "the scaffolding has no safety nets, no injuries so far", "fire exits in the warehouse are blocked", "10-hour shifts in the heat with no cooling, nobody has fainted yet", "heavy dust on the shop floor and no masks", "dangerous wiring in the dormitory"],
        "self_harm": ["threatened to jump off the roof if not paid", "said he will drink pesticide", "is on the rooftop threatening to jump", "says he has nothing left to live for without the money", "is standing on a bridge threatening to jump", "posted what looks like a suicide note in the group"],
        "arrests": ["police came and took several people away", "some workers were detained by police", "police detained the organisers"],
        "violence": ["security guards beat some workers", "a scuffle with managers left people injured", "the boss hired thugs to attack the workers", "people were hurt when guards pushed them"],
    }[h])


# ---------------------------------------------------------------- rendering one labour report

def render_labour(f, lang, source, occurred):
    sector = f["sector"]
    subj = f["subject"]
    cat = f["category"]
    noun_zh = pick(WORKERS_ZH[sector])
    noun_en = pick(WORKERS_EN[sector])
    who1_zh = ONE_WORKER_ZH[sector]
    who1_en = ONE_WORKER_EN[sector]
    fields = {}
    text_w = None
    true_w = f["w"]
    # Workers: either in the text, in the field, both, or neither.
    w_in_text = f["w"] is not None and not f["individual"] and chance(0.7)
    w_in_field = f["w"] is not None and chance(0.45 if source == "informant" else 0.85)
    if f["w"] is not None and not w_in_text and not w_in_field and not f["individual"]:
        w_in_text = True
    if w_in_text:
        if lang == "zh":
            wtxt, text_w, true_w = render_workers_zh(f["w"], noun_zh if chance(0.8) else "人")
        else:
            wtxt, text_w, true_w = render_workers_en(f["w"], noun_en)
    else:
        wtxt = None
    if w_in_field:
        fields["workersAffected"] = true_w
    w_obs = true_w if w_in_field else text_w
    if f["individual"]:
        w_obs = 1
    group_phrase = None
    if f["w"] is None or (not w_in_text and not f["individual"]):
        if lang == "zh":
            group_phrase = pick([f"站里的{noun_zh}们", f"一群{noun_zh}", f"好多{noun_zh}", f"全站{noun_zh}", f"{noun_zh}们", f"大批{noun_zh}", f"不少{noun_zh}", f"这里的{noun_zh}"])
        else:
            group_phrase = pick([f"{noun_en}", f"a group of {noun_en}", f"many {noun_en}", f"the {noun_en} here", f"lots of {noun_en}", f"{noun_en} at the site"])
    # Amount.
    a_obs = None
    atxt = None
    if f["amount"]:
        a_in_text = chance(0.75)
        a_in_field = chance(0.4 if source == "informant" else 0.8) or not a_in_text
        if a_in_text:
            atxt, a_obs = (render_amount_zh if lang == "zh" else render_amount_en)(f["amount"])
        if a_in_field:
            fields["amountOwedCny"] = f["amount"]
            a_obs = f["amount"]
    months = random.randint(1, 6) if chance(0.6) else None
    # Action timing.
    hours = None
    ttxt = None
    expected = None
    if f["status"] == "planned":
        if f["hours"] is None:
            f["hours"] = pick(["le48", "gt48"])
        ttxt, expected = time_phrase(occurred, lang, f["hours"] == "le48")
        hours = (expected - occurred).total_seconds() / 3600
    # A planned action's time is in the text, in expectedAt, or both (never neither: see the module doc).
    t_in_text = ttxt is not None and chance(0.8)
    if f["status"] != "none" and (chance(0.5 if source == "informant" else 0.85) or (ttxt is not None and not t_in_text)):
        ca = {"status": f["status"]}
        if expected is not None and (chance(0.6) or not t_in_text):
            ca["expectedAt"] = expected.isoformat()
        fields["collectiveAction"] = ca
    elif f["status"] == "none" and chance(0.15):
        fields["collectiveAction"] = {"status": "none"}
    tt = (ttxt if t_in_text else pick(["近期", "过几天"] if lang == "zh" else ["soon", "in the coming days"])) if ttxt else ""
    # Build text pieces.
    if lang == "zh":
        who = wtxt or group_phrase or pick([f"一名{who1_zh}", f"我们站一个{who1_zh}", f"我", f"我老公", f"有个{who1_zh}", f"一位{who1_zh}", f"{who1_zh}老王", f"我朋友"])
        if f["individual"]:
            who = pick([f"一名{who1_zh}", f"我们站一个{who1_zh}", "我", "我老公", f"有个{who1_zh}", f"一位{who1_zh}", f"{who1_zh}小李", "我表哥", f"一个{who1_zh}师傅"])
        where = pick([subj["desc"], f"{subj['city']}{subj['district_name']}{subj['desc']}", f"{subj['district_name']}的{subj['desc']}", f"{subj['street_name']}这边{subj['desc']}", subj["desc"]])
        if where.count(subj["district_name"]) > 1:
            where = subj["desc"]
        griev = grievance_zh(cat, sector, atxt, months)
        parts = [pick(OPEN_ZH)]
        if chance(0.5):
            parts.append(f"{where}{who}{griev}")
        else:
            parts.append(f"{where}")
            parts.append(f"{who}{griev}")
        for h in sorted(f["hazards"]):
            parts.append(hazard_zh(h, sector, who1_zh) if h != "self_harm" else pick(["他", "有个工友", "我们站一个兄弟", "那个" + who1_zh, ""]) + hazard_zh(h, sector, who1_zh))
        if f["place"] and f["status"] != "none":
            parts.append(pick(PLACE_ZH[f["place"]][f["status"]]).replace("{t}", tt))
        elif f["status"] != "none":
            act = pick(ACTION_ZH[f["status"]]).replace("{t}", tt)
            parts.append(act if f["status"] == "rumoured" else pick(["大家", "现在", "", "他们"]) + act)
        if chance(0.25):
            parts.append(pick(ANGRY_ZH))
        elif chance(0.25):
            parts.append(pick(CALM_ZH))
        if source == "platform" and chance(0.6):
            head = pick(["【平台风险上报】", "【系统预警】", "[工单] ", "平台客服工单：", "【舆情监测】"])
            text = head + zh_join(parts[1:])
        else:
            text = roughen_zh(zh_join(parts))
    else:
        who = wtxt or group_phrase or f"a {who1_en}"
        if f["individual"]:
            who = pick([f"a {who1_en}", f"one {who1_en}", "my husband", "I", f"one of our {who1_en}s", f"a {who1_en} named Wang", "my cousin"])
        where = pick([f"at {subj['desc']}", f"at {subj['desc']} in {subj['en_city']}", f"in {subj['en_city']}", f"at {subj['desc']}"])
        griev = grievance_en(cat, sector, atxt, months)
        verbish = griev.split(" ")[0] in ("have", "are", "were", "get", "only", "must", "worked", "owed", "unpaid", "wages")
        verb_sep = " - " if who == "I" else (" " if verbish else pick([": ", " - ", " say ", ", ", " report that "]))
        if who == "I":
            griev = griev.replace("have not", "have not").replace("are owed", "am owed").replace("their accounts were", "my account was")
        parts = [pick(OPEN_EN), f"{who} {where}{verb_sep}{griev}" if chance(0.6) else f"{where.capitalize()}, {who}: {griev}"]
        for h in sorted(f["hazards"]):
            parts.append(hazard_en(h, sector, who1_en) if h != "self_harm" else pick(["he ", "a coworker ", "one guy ", f"the {who1_en} "]) + hazard_en(h, sector, who1_en))
        if f["place"] and f["status"] != "none":
            parts.append(pick(["they ", "workers ", "the group "]) + pick(PLACE_EN[f["place"]][f["status"]]).replace("{t}", tt))
        elif f["status"] != "none":
            act = pick(ACTION_EN[f["status"]]).replace("{t}", tt)
            parts.append(act if f["status"] == "rumoured" else pick(["they ", "workers ", "everyone ", "the whole team "]) + act)
        if chance(0.25):
            parts.append(pick(ANGRY_EN))
        elif chance(0.25):
            parts.append(pick(CALM_EN))
        if parts[0] and not parts[0].endswith(" "):
            parts[0] += " "
        first = parts[0] + parts[1]
        body = en_join([first] + parts[2:])
        if source == "platform" and chance(0.6):
            text = pick(["[Platform risk report] ", "[Auto-alert] ", "Ticket: ", "Ops escalation: "]) + body
        else:
            text = roughen_en(body)
    f_obs = dict(f)
    f_obs["w_obs"] = w_obs
    f_obs["a_obs"] = a_obs
    f_obs["hours"] = hours
    f_obs["group"] = f["group"] or (w_obs is None and not f["individual"])
    return text, fields, f_obs


# ---------------------------------------------------------------- headline style (incident databases)

HEADLINE_ISSUES = {
    "wage_arrears": ["unpaid wages", "wage arrears", "months of unpaid pay", "back pay", "wages owed by {emp}", "unpaid year-end wages"],
    "pay_rule_change": ["pay cut", "a cut in piece rates", "lower delivery fees", "new fines", "reduced bonuses", "a change in commission"],
    "account_deactivation": ["mass account bans", "account suspensions"],
    "social_insurance": ["unpaid social insurance", "missing pension contributions", "social security arrears"],
    "closure_relocation": ["relocation compensation", "factory closure", "severance after closure", "compensation as plant moves"],
    "working_hours": ["excessive overtime", "long working hours", "forced overtime"],
    "outsourcing_dispute": ["transfer to a labour agency", "outsourcing of their jobs", "a change of contractor"],
    "collective_action": ["low pay", "poor conditions", "a new management system", "unfair dismissal of a colleague", "rising fuel costs", "competition from unlicensed cars"],
    "other": ["abuse by managers", "a colleague's dismissal", "unfair penalties", "a management change"],
}
HEADLINE_ACTS = {
    "strike": ["strike over", "go on strike over", "walk out over", "stage strike against", "strike in protest at", "down tools over"],
    "protest": ["protest", "protest over", "rally against", "hold banners demanding an end to", "demonstrate over"],
    "demand": ["demand payment of", "demand", "seek", "press for"],
    "sitin": ["stage sit-in over", "hold sit-in over"],
    "road": ["block road over", "block highway demanding", "block a bridge over", "block traffic over"],
    "gov": ["protest at government offices over", "petition local government over", "gather at city hall over", "besiege labour bureau over"],
    "platform_office": ["protest at company headquarters over", "surround platform office over"],
}


def render_headline(f, sector, occurred):
    """Short English headlines in the style of incident databases; the action is always under way."""
    emp_kind = pick(ENTERPRISE_KINDS.get(sector, ENTERPRISE_KINDS["other"]))[2] if sector not in PLATFORMS else pick(["delivery station", "depot", "platform", "logistics company", "express company"])
    place_city, province = pick(EXTRA_PLACES_EN) if chance(0.6) else (lambda c: (CITIES[c][0], CITIES[c][1]))(pick(list(CITIES)))
    place = pick([f"{place_city}", f"{place_city}, {province}", f"{province}", f"{place_city}, {province}"])
    emp = pick([f"{pick(EN_PLACE_WORDS)} {emp_kind}", f"a {emp_kind}", f"{emp_kind}", f"local {emp_kind}"])
    noun = pick(WORKERS_EN[sector])
    w = f["w"]
    text_w = None
    if w is not None:
        qty, text_w, true_w = render_workers_en(w, noun)
    else:
        qty = pick([noun, noun, f"{pick(['local', 'migrant', 'angry', 'laid-off', 'retired'])} {noun}", f"{emp_kind} {noun}"])
    issue = pick(HEADLINE_ISSUES.get(f["category"], HEADLINE_ISSUES["other"])).replace("{emp}", emp)
    if f["place"]:
        act = pick(HEADLINE_ACTS[f["place"]])
    else:
        kind = pick(["strike", "strike", "protest", "demand", "sitin"])
        act = pick(HEADLINE_ACTS[kind])
        if kind == "demand":
            issue = pick(["wage arrears", "unpaid wages", "back pay", "relocation compensation", "unpaid social insurance", "severance pay", "overtime pay"])
    subject = qty[0].upper() + qty[1:]
    pattern = random.randrange(5)
    if pattern == 0:
        t = f"{subject} {act} {issue} at {emp} in {place}"
    elif pattern == 1:
        t = f"{place}: {qty} {act} {issue}"
    elif pattern == 2:
        t = f"{subject} in {place} {act} {issue}"
    elif pattern == 3:
        t = f"{subject} at {emp} in {place} {act} {issue}"
    else:
        t = f"{place_city} {noun} {act} {issue}"
        text_w = None
        w = None
    extra = []
    for h in sorted(f["hazards"]):
        extra.append(pick({
            "arrests": ["police detain several workers", "police intervene, several arrested", "organisers arrested"],
            "violence": ["guards beat protesters", "clashes with police leave several injured", "workers attacked by hired thugs"],
            "death": ["after colleague dies in workplace accident", "after worker's death"],
            "self_harm": ["one threatens to jump from building", "worker threatens suicide"],
            "multi_injury": ["after explosion injures several"],
            "serious_injury": ["after worker badly injured"],
        }.get(h, [""])))
    if extra and extra[0]:
        t += pick([", ", "; ", " - "]) + extra[0]
    if chance(0.3):
        t += pick([". ", ". "]) + pick([
            f"On {occurred.strftime('%d %b')}, {qty} gathered to {pick(['demand', 'ask for', 'press for'])} {issue}.",
            f"Workers said they had not been paid for {random.randint(2, 8)} months.",
            "Negotiations with the employer are ongoing.",
            "Local officials came to mediate.",
            "No agreement has been reached yet.",
        ])
    if chance(0.15):
        t = t.lower() if chance(0.3) else t.title()
    return t, text_w if w is not None else None


def headline_facts(target):
    """Headline incidents are always actions under way (or red-floor events)."""
    f = {"kind": "labour", "w": None, "group": True, "amount": None, "status": "underway", "hours": None, "place": None,
         "hazards": set(), "closure_unsettled": False, "pay_change": False, "individual": False}
    if target == "red":
        d = random.choices(["big", "road", "gov", "arrests", "death", "self_harm", "mass"], [40, 15, 15, 12, 6, 6, 6])[0]
        if d == "big" or d == "mass":
            f["w"] = pick([100, 100, 200, 200, 300, 1000, 150, 500, 2000, 120, 400])
        elif d in ("road", "gov"):
            f["place"] = d
            f["w"] = pick([None, None, 30, 50, 200, 100])
        elif d == "arrests":
            f["hazards"].add(pick(["arrests", "violence"]))
        else:
            f["hazards"].add(d)
    else:  # orange: an action under way by an unstated or 30-99 group
        f["w"] = pick([None, None, None, 30, 40, 50, 60, 70, 80, 35, 45])
    return f


# ---------------------------------------------------------------- noise (grade none)

def render_noise(lang, sector, subj):
    plat = subj["plat"]
    pz = plat[0] if plat else pick(["美团", "饿了么", "顺丰", "滴滴"])
    pe = plat[1] if plat else pick(["Meituan", "Ele.me", "SF Express", "DiDi"])
    kind = random.choices(["consumer", "ad", "spam", "test", "faq", "notice", "chat"], [30, 12, 10, 8, 15, 18, 7])[0]
    if lang == "zh":
        t = pick({
            "consumer": [f"外卖送到都凉了，{pick(['骑手', '小哥'])}态度还差，要求退款", f"我的快递{random.randint(3, 9)}天了还没到，物流一直不更新", f"{pz}的骑手把我的汤洒了，商家不给退", "点的奶茶少了一杯，客服一直不回复", f"司机绕路多收了我{random.randint(15, 80)}块钱，投诉", f"快递员没打电话就放驿站了，{pick(['差评', '很不方便', '要投诉'])}", f"菜品有头发，要求商家赔偿{random.randint(20, 200)}元", f"订单显示已送达但我根本没收到，{pz}客服踢皮球", "搬家师傅迟到两个小时还加价", "保洁阿姨打扫不干净，要求重新上门", f"骑手送错地址了，饭都凉了，{random.randint(20, 60)}块钱的外卖白点了", "包裹外箱破损，里面的杯子碎了要求理赔"],
            "ad": [f"招聘{pick(['骑手', '快递员', '司机', '普工'])}，月入过万，多劳多得，包吃住，联系电话138{random.randint(10000000, 99999999)}", f"{pz}众包火热招募中，新人首单奖励{random.randint(20, 200)}元", "电动车以旧换新，骑手专享优惠价", "专业代办健康证，当天出证", f"{pick(['电子厂', '制衣厂', '汽配厂'])}急招普工{random.randint(20, 300)}名，时薪{random.randint(18, 28)}元，包住", "骑手保险一年只要99元，扫码购买"],
            "spam": ["加微信领红包，日赚300不是梦", "兼职刷单，一单一结，日入五百", "低息贷款秒到账，无需征信", "点击链接领取ETC补贴", "恭喜你中奖了，请点击领取", "代开发票，联系QQ"],
            "test": ["测试", "test", "这是一条测试消息，请忽略", "测试一下能不能提交", "123", "测试测试", "ping", "hello 测试 1 2 3"],
            "faq": ["请问怎么注册成为骑手？", "骑手的保险在哪里买？", "提现多久能到账？", "怎么修改绑定的银行卡", "健康证过期了怎么办", "工会会员怎么加入？", "请问这个平台是干什么的", "在哪里可以查到配送费的计算规则？", "换手机了怎么登录账号", "请问申请工会帮扶需要什么材料？"],
            "notice": [f"【通知】因系统升级，今晚23:00至次日1:00暂停接单，请{pick(['骑手', '司机', '各位师傅'])}提前安排", "【温馨提示】近期有暴雨，请各位骑手注意交通安全，恶劣天气可拒单不受罚", f"高温补贴将于本月{random.randint(10, 20)}日随工资一起发放", f"{pz}春节期间服务安排：保障正常配送，节日补贴另行通知", "本周六上午9点在站点开安全培训会，请准时参加", "工会送清凉活动明天在驿站举行，欢迎大家来领防暑用品", "新版App已上线，请更新到最新版本", "提醒：本月工资已全部发放到账，如有疑问联系站长", "站点本周五下午组织免费体检"],
            "chat": ["今天天气真好", "谢谢工会上次帮忙，钱已经拿到了", "收到，谢谢", "好的明白", "大家注意安全", "哈哈哈哈"],
        }[kind])
        t = roughen_zh(t) if kind in ("consumer", "chat", "faq") else t
    else:
        t = pick({
            "consumer": ["My food arrived cold and the rider was rude, I want a refund", f"Parcel has been stuck for {random.randint(3, 9)} days, tracking not updating", "The driver took a detour and overcharged me", f"Order marked delivered but I never got it, {pe} support is useless", "Soup spilled all over the bag, restaurant refuses refund", "missing item in my order again", "Cleaner did a sloppy job, want them to come back", f"Courier left my package outside in the rain, complaint", f"charged {random.randint(15, 90)} yuan extra for a late delivery??"],
            "ad": [f"Now hiring riders! Earn over 10,000 a month, flexible hours, call 139{random.randint(10000000, 99999999)}", f"{pe} is recruiting drivers - sign-up bonus {random.randint(100, 500)} yuan", f"Factory hiring {random.randint(20, 300)} operators, 22 yuan/hour, dorm included", "Cheap e-bike batteries for delivery riders, 30% off"],
            "spam": ["Earn 500 a day from home, click here", "Congratulations, you won a prize! Claim now", "Loans approved in 5 minutes, no credit check", "Buy followers cheap"],
            "test": ["test", "Test message please ignore", "testing 1 2 3", "hello?", "asdf", "test from staging"],
            "faq": ["How do I register as a rider?", "Where can I buy accident insurance?", "How long does a withdrawal take?", "How do I change my bank card in the app?", "How do I join the union?", "What documents do I need to apply for union assistance?"],
            "notice": ["[Notice] System maintenance tonight 23:00-01:00, order intake paused", "Reminder: heavy rain expected, riders may decline orders without penalty", f"Heat allowance will be paid with wages on the {random.randint(10, 20)}th", "Safety training this Saturday 9am at the station, attendance please", "New app version released, please update", "All wages for this month have been paid, contact your station lead with questions", "Free health check for drivers on Friday afternoon"],
            "chat": ["thanks for your help last time, we got paid", "ok got it", "stay safe everyone", "good morning"],
        }[kind])
        t = roughen_en(t) if kind in ("consumer", "chat") else t
    return t, kind


# ---------------------------------------------------------------- main

def random_time():
    start = dt.datetime(2025, 1, 1, tzinfo=TZ)
    t = start + dt.timedelta(minutes=random.randint(0, 660 * 24 * 60))
    return t.replace(minute=(t.minute // 5) * 5, second=0, hour=max(6, t.hour))


def build(count, with_facts=False):
    random.seed(SEED)
    targets = random.choices(GRADE_ORDER, [14, 19, 20, 22, 25], k=count)
    rows = []
    seen = set()
    i = 0
    attempts = 0
    while len(rows) < count and attempts < count * 5:
        attempts += 1
        target = targets[len(rows)]
        lang = "zh" if chance(0.6) else "en"
        sector = random.choices(SECTORS, SECTOR_WEIGHTS)[0]
        source = "platform" if (sector in PLATFORMS and chance(0.3)) or chance(0.05) else "informant"
        subj = make_subject(sector, lang)
        occurred = random_time()
        headline = lang == "en" and target in ("orange", "red") and chance(0.45)
        fields = {}
        if target == "none":
            text, noise_kind = render_noise(lang, sector, subj)
            label = "none"
            category = "other" if chance(0.3) else None
            if chance(0.2):
                fields["workersAffected"] = 0
            facts_note = {"noise": noise_kind}
        elif headline:
            f = headline_facts(target)
            category = pick(["wage_arrears"] * 4 + ["pay_rule_change", "collective_action", "collective_action", "social_insurance", "closure_relocation", "working_hours", "outsourcing_dispute", "other"])
            f["category"] = category
            text, text_w = render_headline(f, sector, occurred)
            f_obs = dict(f, w_obs=text_w, a_obs=None, hours=None, group=text_w is None)
            label = rubric(f_obs)
            source = "informant"
            facts_note = {"w": text_w, "status": "underway", "place": f["place"], "hazards": sorted(f["hazards"]), "style": "headline"}
        else:
            f = sample_facts(target)
            f["sector"] = sector
            f["subject"] = subj
            f["category"] = category = category_for(f, sector)
            text, fields, f_obs = render_labour(f, lang, source, occurred)
            label = rubric(f_obs)
            facts_note = {"w": f_obs["w_obs"], "amount": f_obs["a_obs"], "status": f["status"], "hours": None if f_obs["hours"] is None else round(f_obs["hours"], 1), "place": f["place"], "hazards": sorted(f["hazards"]), "closure": f["closure_unsettled"]}
        if text in seen or len(text) > 4000 or not text.strip():
            continue
        seen.add(text)
        i += 1
        rid = uuid.uuid5(NAMESPACE, f"riskwatch-corpus-{i}")
        if source == "platform":
            reporter = f"plat-{subj['plat'][2]}" if subj["plat"] else pick(["plat-meituan", "plat-eleme", "plat-sf", "plat-didi"])
        else:
            reporter = f"inf-{random.randint(1, 1200):04d}"
        loc = {"city": subj["city"]}
        if subj["district"]:
            loc["district"] = subj["district"]
        if subj["street"] and subj["district"]:
            loc["street"] = subj["street"]
        sub = {"kind": subj["kind"], "name": subj["name"]}
        if subj["platform"]:
            sub["platform"] = subj["platform"]
        row = {
            "reportId": str(rid),
            "source": source,
            "reporter": reporter,
            "occurredAt": occurred.isoformat(),
            "location": loc,
            "subject": sub,
        }
        if chance(0.75 if source == "informant" else 0.95):
            row["sector"] = sector
        if category and (chance(0.6 if source == "informant" else 0.95) or headline):
            row["category"] = category
        for k in ("workersAffected", "amountOwedCny", "collectiveAction"):
            if k in fields:
                row[k] = fields[k]
        row["text"] = text
        if chance(0.85):
            row["language"] = lang
        row["label"] = label
        if with_facts:
            row["facts"] = facts_note
        rows.append(row)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=5000)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", "data", "corpus.jsonl"))
    ap.add_argument("--facts", action="store_true", help="also write the rendered facts of each report (for debugging)")
    args = ap.parse_args()
    rows = build(args.count, args.facts)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="\n") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
    from collections import Counter
    print(f"wrote {len(rows)} reports to {os.path.normpath(args.out)}")
    print("labels:", dict(Counter(r["label"] for r in rows)))
    print("languages:", dict(Counter(("zh" if any("\u4e00" <= c <= "\u9fff" for c in r["text"]) else "en") for r in rows)))
    print("sources:", dict(Counter(r["source"] for r in rows)))


if __name__ == "__main__":
    main()
