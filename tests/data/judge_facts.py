# Chemistry text: en dashes in ranges (400–500 °C), minus signs, Greek letters of the paper's formulas.
# ruff: noqa: RUF001, RUF003
"""Hand-written fact records behind tests/data/judge_pairs.jsonl (built by build_judge_pairs.py).

Each record: a question, a context passage stating the facts (public industrial-chemistry knowledge), a
correct answer that rests only on that context, and a wrong answer that reads just as fluently but changes
one fact (``facet``: catalyst, condition, reagent, operation or control). Some wrong answers swap two terms
that both occur in the context (the water-gas shift catalysts, the cascade loops): a judge that only checks
vocabulary cannot catch those, and the set is meant to show that.
"""

from __future__ import annotations

FACTS: list[dict[str, str]] = [
    {
        "id": "haber-catalyst",
        "topic": "ammonia",
        "question": "Which catalyst and operating conditions does Haber–Bosch ammonia synthesis use?",
        "context": "In the Haber–Bosch process nitrogen and hydrogen react as N2 + 3 H2 ⇌ 2 NH3, an exothermic "
        "equilibrium (about −92 kJ per mole of N2). Industrial converters use a promoted iron catalyst made by "
        "reducing magnetite (Fe3O4), with potassium oxide and alumina as promoters. Typical conditions are "
        "400–500 °C and 150–300 bar; the temperature is a compromise between reaction rate and equilibrium "
        "conversion, which favours ammonia at low temperature.",
        "answer": "It runs over a promoted iron catalyst, obtained by reducing magnetite and promoted with potassium "
        "oxide and alumina, at about 400–500 °C and 150–300 bar. That temperature balances a fast rate against "
        "the equilibrium, which favours ammonia when cooler.",
        "wrong": "It runs over a supported nickel catalyst, promoted with potassium oxide and alumina, at about "
        "400–500 °C and 150–300 bar. That temperature balances a fast rate against the equilibrium, which "
        "favours ammonia when cooler.",
        "facet": "catalyst",
    },
    {
        "id": "haber-loop",
        "topic": "ammonia",
        "question": "Why does an ammonia synthesis loop need a recycle and a purge, and how is the ammonia recovered?",
        "context": "Single-pass conversion in an ammonia converter is only about 15–25%, so the unreacted synthesis "
        "gas is recycled to the converter by a circulator. Ammonia is recovered by cooling the converter effluent "
        "so that it condenses, with refrigeration for the final stage. Inert gases such as argon and methane enter "
        "with the make-up gas and would accumulate in the loop, so a small purge stream is withdrawn and often "
        "sent to hydrogen recovery.",
        "answer": "Only about 15–25% of the gas converts per pass, so the unreacted synthesis gas goes back to the "
        "converter through a circulator. The ammonia is condensed out of the cooled effluent, with refrigeration "
        "at the end, and a small purge stops argon and methane from building up in the loop.",
        "wrong": "Only about 15–25% of the gas converts per pass, so the unreacted synthesis gas goes back to the "
        "converter through a circulator. The ammonia is scrubbed out of the effluent with dilute sulfuric acid, "
        "and a small purge stops argon and methane from building up in the loop.",
        "facet": "operation",
    },
    {
        "id": "ostwald-oxidation",
        "topic": "nitric acid",
        "question": "How is ammonia oxidized in the first step of the Ostwald nitric acid process?",
        "context": "In the Ostwald process, ammonia mixed with air is passed over a gauze of platinum alloyed with "
        "about 10% rhodium. The reaction 4 NH3 + 5 O2 → 4 NO + 6 H2O takes place at roughly 850–950 °C with "
        "contact times of around a millisecond, converting 93–98% of the ammonia to nitric oxide. The hot gas "
        "is cooled in a waste-heat boiler that raises steam.",
        "answer": "A mixture of ammonia and air flows over a platinum–rhodium gauze (roughly 10% rhodium) at "
        "850–950 °C. In a contact time of about a millisecond, 93–98% of the ammonia turns into nitric oxide, "
        "and the hot gas then raises steam in a waste-heat boiler.",
        "wrong": "A mixture of ammonia and air flows over a bed of vanadium pentoxide pellets at 850–950 °C. In a "
        "contact time of about a millisecond, 93–98% of the ammonia turns into nitric oxide, and the hot gas "
        "then raises steam in a waste-heat boiler.",
        "facet": "catalyst",
    },
    {
        "id": "ostwald-absorption",
        "topic": "nitric acid",
        "question": "What happens in the absorption tower of a nitric acid plant?",
        "context": "After ammonia oxidation, nitric oxide is further oxidized by air to nitrogen dioxide as the gas "
        "cools. In the absorption tower nitrogen dioxide reacts with water, 3 NO2 + H2O → 2 HNO3 + NO, and the "
        "released nitric oxide is oxidized again inside the column and absorbed. Absorption is favoured by low "
        "temperature and elevated pressure, and the tower produces acid of about 55–68% HNO3. Going beyond the "
        "68% azeotrope needs extractive distillation, for example with sulfuric acid or magnesium nitrate.",
        "answer": "Nitrogen dioxide is absorbed in water to form nitric acid (3 NO2 + H2O → 2 HNO3 + NO); the "
        "nitric oxide set free is oxidized again and absorbed further up the column. Cooling and elevated "
        "pressure favour absorption, and the tower delivers acid of about 55–68% HNO3.",
        "wrong": "Nitrogen dioxide is absorbed in water to form nitric acid (3 NO2 + H2O → 2 HNO3 + NO); the "
        "nitric oxide set free is oxidized again and absorbed further up the column. Heating the tower to "
        "about 400 °C favours absorption, and the tower delivers acid of about 55–68% HNO3.",
        "facet": "condition",
    },
    {
        "id": "contact-converter",
        "topic": "sulfuric acid",
        "question": "What catalyst oxidizes SO2 to SO3 in the contact process, and at what temperature?",
        "context": "In the contact process for sulfuric acid, sulfur dioxide is oxidized with air, 2 SO2 + O2 ⇌ "
        "2 SO3, over a vanadium pentoxide (V2O5) catalyst promoted with potassium sulfate on a silica support. "
        "The reaction is exothermic and limited by equilibrium, so the converter has three to five adiabatic "
        "beds with cooling between them, and the gas enters each bed at about 400–450 °C. Double contact, "
        "double absorption plants exceed 99.7% overall conversion.",
        "answer": "The catalyst is vanadium pentoxide (V2O5) promoted with potassium sulfate on silica. Gas enters "
        "each adiabatic bed at about 400–450 °C and is cooled between beds, because the exothermic reaction is "
        "limited by equilibrium.",
        "wrong": "The catalyst is iron oxide promoted with potassium sulfate on silica. Gas enters each adiabatic "
        "bed at about 400–450 °C and is cooled between beds, because the exothermic reaction is limited by "
        "equilibrium.",
        "facet": "catalyst",
    },
    {
        "id": "contact-absorption",
        "topic": "sulfuric acid",
        "question": "Why is SO3 absorbed in concentrated sulfuric acid rather than in water?",
        "context": "Sulfur trioxide reacts with water very exothermically; contacted with water directly it forms a "
        "fine sulfuric acid mist that passes through absorbers and is hard to capture. Plants therefore absorb "
        "SO3 in 98–99% sulfuric acid, where it combines with the little water present, and keep the acid "
        "strength constant by adding water to the circulating acid. Absorbing SO3 into concentrated acid "
        "without adding water gives oleum (fuming sulfuric acid).",
        "answer": "Absorbing SO3 straight into water releases so much heat that a fine acid mist forms and slips "
        "through the absorbers. Circulating 98–99% sulfuric acid takes up the SO3 without that mist; water is "
        "added to hold the acid strength, and without the water the product becomes oleum.",
        "wrong": "Absorbing SO3 straight into water releases so much heat that a fine acid mist forms and slips "
        "through the absorbers. Circulating 30% nitric acid takes up the SO3 without that mist; water is added "
        "to hold the acid strength, and without the water the product becomes oleum.",
        "facet": "reagent",
    },
    {
        "id": "methanol-synthesis",
        "topic": "methanol",
        "question": "Which catalyst and conditions does modern low-pressure methanol synthesis use?",
        "context": "Methanol is made from synthesis gas containing CO, CO2 and H2 (CO + 2 H2 → CH3OH and CO2 + 3 H2 "
        "→ CH3OH + H2O). Low-pressure processes, introduced by ICI in the 1960s, use a copper–zinc oxide–alumina "
        "catalyst at about 50–100 bar and 200–300 °C. Because equilibrium limits conversion per pass, the reactor "
        "effluent is cooled to condense crude methanol and the unreacted gas is recycled.",
        "answer": "Modern plants pass synthesis gas over a copper/zinc oxide/alumina catalyst at roughly 200–300 °C "
        "and 50–100 bar. Equilibrium limits conversion per pass, so crude methanol is condensed from the cooled "
        "effluent and the remaining gas is recycled.",
        "wrong": "Modern plants pass synthesis gas over a chromium–iron oxide catalyst at roughly 200–300 °C and "
        "50–100 bar. Equilibrium limits conversion per pass, so crude methanol is condensed from the cooled "
        "effluent and the remaining gas is recycled.",
        "facet": "catalyst",
    },
    {
        "id": "steam-reforming",
        "topic": "hydrogen",
        "question": "Under what conditions is steam methane reforming carried out?",
        "context": "Steam methane reforming, CH4 + H2O ⇌ CO + 3 H2, is strongly endothermic (about +206 kJ/mol). "
        "It is carried out in catalyst-filled tubes inside a fired furnace, over a nickel catalyst on an alumina "
        "or calcium aluminate support, at outlet temperatures of about 800–900 °C and pressures of 20–40 bar. A "
        "steam-to-carbon ratio of about 2.5–3.5 suppresses carbon formation on the catalyst.",
        "answer": "Because the reaction is strongly endothermic, it runs in nickel-catalyst tubes heated inside a "
        "fired furnace, reaching about 800–900 °C at the outlet at 20–40 bar. A steam-to-carbon ratio of roughly "
        "2.5–3.5 keeps carbon from forming on the catalyst.",
        "wrong": "Because the reaction is strongly endothermic, it runs in nickel-catalyst tubes heated inside a "
        "fired furnace, reaching only about 250 °C at the outlet at 20–40 bar. A steam-to-carbon ratio of "
        "roughly 2.5–3.5 keeps carbon from forming on the catalyst.",
        "facet": "condition",
    },
    {
        "id": "water-gas-shift",
        "topic": "hydrogen",
        "question": "Which catalysts are used for high- and low-temperature water-gas shift?",
        "context": "The water-gas shift reaction, CO + H2O ⇌ CO2 + H2, is mildly exothermic (about −41 kJ/mol), so "
        "low temperature favours conversion while high temperature favours rate. Ammonia and hydrogen plants "
        "therefore use two stages: a high-temperature shift over an iron oxide–chromia catalyst at about "
        "350–450 °C, then a low-temperature shift over a copper–zinc oxide–alumina catalyst at about 190–250 °C.",
        "answer": "The high-temperature stage uses an iron oxide–chromia catalyst at about 350–450 °C, and the "
        "low-temperature stage a copper–zinc oxide–alumina catalyst at about 190–250 °C. Two stages are used "
        "because the mildly exothermic reaction is fast when hot but converts more CO when cool.",
        "wrong": "The high-temperature stage uses a copper–zinc oxide–alumina catalyst at about 350–450 °C, and "
        "the low-temperature stage an iron oxide–chromia catalyst at about 190–250 °C. Two stages are used "
        "because the mildly exothermic reaction is fast when hot but converts more CO when cool.",
        "facet": "catalyst",
    },
    {
        "id": "chlor-alkali-membrane",
        "topic": "chlor-alkali",
        "question": "What forms at each electrode of a membrane chlor-alkali cell, and how strong is the caustic?",
        "context": "Chlor-alkali plants electrolyse saturated sodium chloride brine. In a membrane cell, chlorine "
        "gas forms at the anode, while hydrogen and hydroxide ions form at the cathode. A perfluorinated "
        "cation-exchange membrane (such as Nafion) lets sodium ions pass from the anode to the cathode "
        "compartment but holds back chloride, so the cell produces sodium hydroxide (caustic soda) of about "
        "30–35% directly, which is evaporated to 50% for sale.",
        "answer": "Chlorine is released at the anode; hydrogen and hydroxide ions form at the cathode, where sodium "
        "ions that crossed the cation-exchange membrane make caustic soda. The cell delivers about 30–35% sodium "
        "hydroxide, which is evaporated to 50% for sale.",
        "wrong": "Chlorine is released at the anode; hydrogen and hydroxide ions form at the cathode, where sodium "
        "ions that crossed the cation-exchange membrane make caustic soda. The cell delivers about 98% sodium "
        "hydroxide directly, so it is sold without evaporation.",
        "facet": "condition",
    },
    {
        "id": "chlor-alkali-cells",
        "topic": "chlor-alkali",
        "question": "How do membrane cells compare with mercury and diaphragm cells for brine electrolysis?",
        "context": "Three cell technologies have been used for brine electrolysis. Mercury cells use a flowing mercury "
        "cathode that forms a sodium amalgam, which is decomposed with water to give 50% caustic soda, but they "
        "release mercury to the environment. Diaphragm cells separate the compartments with an asbestos or "
        "polymer diaphragm and give a weak caustic of about 10–12% that contains salt. Membrane cells use an "
        "ion-exchange membrane, give purer 30–35% caustic with the lowest energy use, and are the standard for "
        "new plants.",
        "answer": "Mercury cells give 50% caustic soda through a sodium amalgam but release mercury, and diaphragm "
        "cells give a salty caustic of only about 10–12%. Membrane cells use an ion-exchange membrane, make purer "
        "30–35% caustic with the lowest energy use, and are the standard for new plants.",
        "wrong": "Mercury cells give 50% caustic soda through a sodium amalgam but release mercury, and diaphragm "
        "cells give a salty caustic of only about 10–12%. Membrane cells use an asbestos diaphragm, make the "
        "weakest caustic with the highest energy use, and are being phased out.",
        "facet": "operation",
    },
    {
        "id": "solvay",
        "topic": "soda ash",
        "question": "Outline the chemistry of the Solvay process for soda ash.",
        "context": "In the Solvay (ammonia-soda) process, purified brine is saturated with ammonia and then carbonated "
        "with carbon dioxide, so that sparingly soluble sodium bicarbonate precipitates. The bicarbonate is "
        "filtered and calcined at about 160–230 °C to sodium carbonate (soda ash), releasing CO2 that is "
        "recycled. The CO2 also comes from burning limestone in a lime kiln; the resulting lime is slaked and "
        "used to recover ammonia from the ammonium chloride liquor, leaving calcium chloride as the by-product.",
        "answer": "Ammoniated brine is carbonated with carbon dioxide until sodium bicarbonate precipitates; the "
        "filtered bicarbonate is calcined at about 160–230 °C to soda ash and its CO2 is recycled. Limestone burned "
        "in a lime kiln supplies more CO2, and the slaked lime recovers ammonia from the ammonium chloride liquor, "
        "leaving calcium chloride.",
        "wrong": "Ammoniated brine is carbonated with carbon dioxide until sodium bicarbonate precipitates; the "
        "filtered bicarbonate is calcined at about 160–230 °C to soda ash and its CO2 is recycled. Limestone "
        "burned in a lime kiln supplies more CO2, and sulfuric acid recovers ammonia from the ammonium chloride "
        "liquor, leaving sodium sulfate.",
        "facet": "reagent",
    },
    {
        "id": "ethylene-oxide",
        "topic": "ethylene oxide",
        "question": "How is ethylene oxide produced industrially?",
        "context": "Ethylene oxide is made by direct oxidation of ethylene with oxygen (or air) over a silver catalyst "
        "supported on alumina, in multitubular fixed-bed reactors cooled by boiling water or oil, at about "
        "200–300 °C and 10–30 bar. Traces of a chlorinated moderator such as ethyl chloride are added to raise "
        "selectivity. The main side reaction, combustion to CO2 and water, is removed by absorbing CO2 in hot "
        "potassium carbonate solution.",
        "answer": "Ethylene is oxidized with oxygen over an alumina-supported silver catalyst in cooled multitubular "
        "reactors at about 200–300 °C and 10–30 bar. A trace of ethyl chloride moderates the catalyst to improve "
        "selectivity, and the CO2 formed by combustion is absorbed in hot potassium carbonate.",
        "wrong": "Ethylene is oxidized with oxygen over an alumina-supported nickel catalyst in cooled multitubular "
        "reactors at about 200–300 °C and 10–30 bar. A trace of ethyl chloride moderates the catalyst to improve "
        "selectivity, and the CO2 formed by combustion is absorbed in hot potassium carbonate.",
        "facet": "catalyst",
    },
    {
        "id": "ethylene-glycol",
        "topic": "ethylene oxide",
        "question": "How is monoethylene glycol made from ethylene oxide, and why is excess water used?",
        "context": "Monoethylene glycol is produced by non-catalytic hydration of ethylene oxide with a large excess of "
        "water, a molar water-to-oxide ratio of about 20, at roughly 150–200 °C under pressure. The excess water "
        "limits the reaction of glycol with more ethylene oxide, which forms diethylene and triethylene glycol. "
        "The water is then removed in a series of evaporators and the glycols are separated by vacuum "
        "distillation.",
        "answer": "Ethylene oxide is hydrated without a catalyst at about 150–200 °C under pressure, with around 20 "
        "moles of water per mole of oxide. The large excess of water suppresses diethylene and triethylene glycol; "
        "evaporators then remove the water and vacuum distillation separates the glycols.",
        "wrong": "Ethylene oxide is hydrated without a catalyst at about 150–200 °C under pressure, with about 1 "
        "mole of water per mole of oxide. The equimolar feed suppresses diethylene and triethylene glycol; "
        "evaporators then remove the water and vacuum distillation separates the glycols.",
        "facet": "condition",
    },
    {
        "id": "styrene",
        "topic": "styrene",
        "question": "How is ethylbenzene dehydrogenated to styrene?",
        "context": "Styrene is made by dehydrogenating ethylbenzene over a potassium-promoted iron oxide catalyst at "
        "about 600–650 °C. The reaction is endothermic and produces more moles of gas, so it is run at low "
        "pressure, often under vacuum, with superheated steam as diluent and heat carrier; the steam also "
        "removes coke from the catalyst. Conversion per pass is about 60–70%, and styrene is separated from "
        "unreacted ethylbenzene by vacuum distillation with a polymerization inhibitor.",
        "answer": "Ethylbenzene passes with superheated steam over a potassium-promoted iron oxide catalyst at about "
        "600–650 °C and low pressure, often vacuum, because the endothermic reaction forms more moles of gas. "
        "About 60–70% converts per pass, and the styrene is recovered by inhibited vacuum distillation.",
        "wrong": "Ethylbenzene passes with superheated steam over a potassium-promoted iron oxide catalyst at about "
        "150 °C and 200 bar, because the endothermic reaction forms more moles of gas. About 60–70% converts per "
        "pass, and the styrene is recovered by inhibited vacuum distillation.",
        "facet": "condition",
    },
    {
        "id": "vcm-balanced",
        "topic": "vinyl chloride",
        "question": "Describe the balanced process for vinyl chloride monomer.",
        "context": "The balanced VCM process combines three steps. Direct chlorination adds chlorine to ethylene over "
        "an iron(III) chloride catalyst to give 1,2-dichloroethane (EDC). Oxychlorination reacts ethylene with "
        "hydrogen chloride and oxygen over a copper(II) chloride catalyst, also giving EDC. Purified EDC is "
        "cracked thermally at about 500 °C to vinyl chloride and hydrogen chloride, and the hydrogen chloride is "
        "recycled to oxychlorination, so the plant has no net HCl.",
        "answer": "Ethylene is chlorinated directly over iron(III) chloride to 1,2-dichloroethane, and more EDC comes "
        "from oxychlorination of ethylene with hydrogen chloride and oxygen over copper(II) chloride. Cracking the "
        "EDC at about 500 °C gives vinyl chloride and hydrogen chloride, which is recycled to oxychlorination so "
        "no net HCl remains.",
        "wrong": "Ethylene is chlorinated directly over iron(III) chloride to 1,2-dichloroethane, and more EDC comes "
        "from oxychlorination of ethylene with hydrogen chloride and oxygen over a silver catalyst. Cracking the "
        "EDC at about 500 °C gives vinyl chloride and hydrogen chloride, which is recycled to oxychlorination so "
        "no net HCl remains.",
        "facet": "catalyst",
    },
    {
        "id": "pvc-suspension",
        "topic": "vinyl chloride",
        "question": "How is PVC made by suspension polymerization?",
        "context": "Most PVC is made by suspension polymerization: vinyl chloride monomer is dispersed as droplets in "
        "water with a suspending agent such as polyvinyl alcohol, and a monomer-soluble peroxide initiator "
        "starts free-radical polymerization in a stirred autoclave at about 50–70 °C. The batch is stopped at "
        "roughly 85–90% conversion, and the unreacted monomer, a carcinogen, is stripped from the slurry and "
        "recovered before the polymer is centrifuged and dried.",
        "answer": "Vinyl chloride droplets are suspended in water with a suspending agent such as polyvinyl alcohol, "
        "and a peroxide initiator polymerizes them by free radicals in a stirred autoclave at about 50–70 °C. "
        "Around 85–90% conversion the batch ends; leftover carcinogenic monomer is stripped and recovered before "
        "centrifuging and drying.",
        "wrong": "Vinyl chloride droplets are suspended in water with a suspending agent such as polyvinyl alcohol, "
        "and a peroxide initiator polymerizes them by free radicals in a stirred autoclave at about 400 °C. "
        "Around 85–90% conversion the batch ends; leftover carcinogenic monomer is stripped and recovered before "
        "centrifuging and drying.",
        "facet": "condition",
    },
    {
        "id": "urea",
        "topic": "urea",
        "question": "What are the reaction steps and conditions in urea synthesis?",
        "context": "Urea is made from ammonia and carbon dioxide in two steps: a fast, strongly exothermic reaction to "
        "ammonium carbamate, followed by slow, slightly endothermic dehydration of the carbamate to urea and "
        "water. Synthesis runs at about 140–200 bar and 180–200 °C. Stripping processes such as Stamicarbon's "
        "CO2 stripping or Snamprogetti's ammonia stripping decompose unconverted carbamate and recycle it, and "
        "biuret formation is kept low in the finishing section.",
        "answer": "Ammonia and carbon dioxide first form ammonium carbamate quickly and exothermically; the carbamate "
        "then dehydrates slowly to urea and water. The reactor runs at about 140–200 bar and 180–200 °C, and "
        "strippers (CO2 stripping at Stamicarbon, ammonia stripping at Snamprogetti) decompose and recycle "
        "unconverted carbamate.",
        "wrong": "Ammonia and carbon monoxide first form ammonium formate quickly and exothermically; the formate "
        "then dehydrates slowly to urea and water. The reactor runs at about 140–200 bar and 180–200 °C, and "
        "strippers (CO2 stripping at Stamicarbon, ammonia stripping at Snamprogetti) decompose and recycle "
        "unconverted material.",
        "facet": "reagent",
    },
    {
        "id": "monsanto-acetic",
        "topic": "acetic acid",
        "question": "What catalyst system and conditions does the Monsanto acetic acid process use?",
        "context": "The Monsanto process makes acetic acid by carbonylation of methanol with carbon monoxide, CH3OH + CO → "
        "CH3COOH, with a "
        "rhodium carbonyl iodide catalyst and methyl iodide as promoter. It operates at about 150–200 °C and "
        "30–60 bar, with selectivity above 99% based on methanol. Water in the reactor is kept relatively high "
        "(about 14–15%) to keep the rhodium catalyst stable and active.",
        "answer": "Methanol is carbonylated with carbon monoxide using a rhodium carbonyl iodide catalyst promoted by "
        "methyl iodide, at about 150–200 °C and 30–60 bar. Selectivity on methanol exceeds 99%, and fairly high "
        "water (about 14–15%) keeps the rhodium active and stable.",
        "wrong": "Methanol is carbonylated with carbon monoxide using a palladium acetate catalyst promoted by "
        "triphenylphosphine, at about 150–200 °C and 30–60 bar. Selectivity on methanol exceeds 99%, and fairly "
        "high water (about 14–15%) keeps the catalyst active and stable.",
        "facet": "catalyst",
    },
    {
        "id": "cativa",
        "topic": "acetic acid",
        "question": "How does BP's Cativa process differ from the Monsanto process?",
        "context": "The Cativa process, commercialized by BP in 1996, also carbonylates methanol to acetic acid but "
        "uses an iridium catalyst promoted by ruthenium instead of rhodium. The iridium system stays stable at "
        "much lower water concentrations (below about 8%), which cuts the energy spent on drying the acid and "
        "reduces by-products such as propionic acid.",
        "answer": "Cativa keeps the methanol carbonylation route but replaces rhodium with an iridium catalyst "
        "promoted by ruthenium. Because iridium stays stable below about 8% water, drying the acid needs less "
        "energy and fewer by-products such as propionic acid form.",
        "wrong": "Cativa keeps the methanol carbonylation route but replaces iridium with a rhodium catalyst promoted "
        "by ruthenium. Because rhodium stays stable below about 8% water, drying the acid needs less energy and "
        "fewer by-products such as propionic acid form.",
        "facet": "catalyst",
    },
    {
        "id": "hydrogen-peroxide",
        "topic": "hydrogen peroxide",
        "question": "How does the anthraquinone process make hydrogen peroxide?",
        "context": "Almost all hydrogen peroxide is made by the anthraquinone (Riedl–Pfleiderer) process. A "
        "2-alkylanthraquinone, typically 2-ethylanthraquinone, dissolved in a working solution is hydrogenated "
        "over a palladium catalyst to the anthrahydroquinone. The catalyst is filtered off and the solution is "
        "oxidized with air, which gives hydrogen peroxide and regenerates the anthraquinone. The peroxide is "
        "extracted with water at about 25–40% and concentrated by distillation to 50–70%.",
        "answer": "A working solution of 2-ethylanthraquinone is hydrogenated over palladium to the "
        "anthrahydroquinone, then, after the catalyst is filtered out, oxidized with air to give hydrogen "
        "peroxide and the original anthraquinone. Water extracts the peroxide at about 25–40%, and distillation "
        "concentrates it to 50–70%.",
        "wrong": "A working solution of 2-ethylanthraquinone is hydrogenated over palladium to the "
        "anthrahydroquinone, then, after the catalyst is filtered out, oxidized with chlorine to give hydrogen "
        "peroxide and the original anthraquinone. Water extracts the peroxide at about 25–40%, and distillation "
        "concentrates it to 50–70%.",
        "facet": "reagent",
    },
    {
        "id": "wet-phosphoric",
        "topic": "phosphoric acid",
        "question": "How is phosphoric acid made by the wet process?",
        "context": "In the wet process, phosphate rock (mainly fluorapatite) is digested with sulfuric acid, giving "
        "phosphoric acid and calcium sulfate. In the common dihydrate process the reactor runs at about "
        "70–80 °C, the calcium sulfate crystallizes as gypsum and is filtered off, and the filtrate contains "
        "about 26–32% P2O5. Fluorine leaves partly as HF and SiF4, which are scrubbed from the off-gas.",
        "answer": "Phosphate rock, largely fluorapatite, is digested with sulfuric acid at about 70–80 °C in the "
        "dihydrate process. Calcium sulfate crystallizes as gypsum and is filtered off, leaving acid of about "
        "26–32% P2O5, while fluorine compounds such as HF and SiF4 are scrubbed from the off-gas.",
        "wrong": "Phosphate rock, largely fluorapatite, is digested with caustic soda at about 70–80 °C in the "
        "dihydrate process. Sodium carbonate crystallizes and is filtered off, leaving acid of about 26–32% P2O5, "
        "while fluorine compounds such as HF and SiF4 are scrubbed from the off-gas.",
        "facet": "reagent",
    },
    {
        "id": "caprolactam",
        "topic": "caprolactam",
        "question": "How is caprolactam made from cyclohexanone?",
        "context": "Conventional caprolactam production reacts cyclohexanone with hydroxylamine sulfate to form "
        "cyclohexanone oxime. The oxime undergoes Beckmann rearrangement in oleum (fuming sulfuric acid) to "
        "caprolactam, and the acid mixture is neutralized with ammonia. This produces large amounts of "
        "ammonium sulfate as a by-product, which is sold as fertilizer.",
        "answer": "Cyclohexanone and hydroxylamine sulfate give cyclohexanone oxime, which undergoes Beckmann "
        "rearrangement in oleum to caprolactam. Neutralizing the acid with ammonia leaves a large amount of "
        "ammonium sulfate, sold as fertilizer.",
        "wrong": "Cyclohexanone and hydroxylamine sulfate give cyclohexanone oxime, which undergoes Beckmann "
        "rearrangement in molten sodium hydroxide to caprolactam. Neutralizing the base with nitric acid leaves "
        "a large amount of sodium nitrate, sold as fertilizer.",
        "facet": "reagent",
    },
    {
        "id": "pta-oxidation",
        "topic": "terephthalic acid",
        "question": "How is p-xylene oxidized to terephthalic acid?",
        "context": "Terephthalic acid is made by liquid-phase air oxidation of p-xylene in acetic acid solvent with a "
        "cobalt–manganese–bromide catalyst (the Amoco or Mid-Century process). The reactor runs at about "
        "175–225 °C and 15–30 bar, and the heat of reaction is removed by evaporating solvent. Terephthalic acid "
        "is poorly soluble and crystallizes from the reaction mixture.",
        "answer": "p-Xylene is oxidized with air in acetic acid over a cobalt–manganese–bromide catalyst at about "
        "175–225 °C and 15–30 bar. Boiling solvent carries away the reaction heat, and the poorly soluble "
        "terephthalic acid crystallizes out.",
        "wrong": "p-Xylene is oxidized with air in acetic acid over a silver catalyst at about 175–225 °C and "
        "15–30 bar. Boiling solvent carries away the reaction heat, and the poorly soluble terephthalic acid "
        "crystallizes out.",
        "facet": "catalyst",
    },
    {
        "id": "pta-purification",
        "topic": "terephthalic acid",
        "question": "How is crude terephthalic acid purified to PTA?",
        "context": "Crude terephthalic acid contains 4-carboxybenzaldehyde (4-CBA), which would stop polyester chains "
        "growing. To make purified terephthalic acid (PTA) the crude acid is dissolved in water at about "
        "250–290 °C under pressure and hydrogenated over a palladium on carbon catalyst, which converts 4-CBA to "
        "p-toluic acid that stays in solution when PTA is recrystallized.",
        "answer": "The crude acid is dissolved in water at about 250–290 °C under pressure and hydrogenated over "
        "palladium on carbon. That turns 4-carboxybenzaldehyde into p-toluic acid, which remains in solution "
        "when the PTA recrystallizes.",
        "wrong": "The crude acid is dissolved in water at about 250–290 °C under pressure and treated with chlorine "
        "gas. That turns 4-carboxybenzaldehyde into p-toluic acid, which remains in solution when the PTA "
        "recrystallizes.",
        "facet": "reagent",
    },
    {
        "id": "fcc",
        "topic": "refining",
        "question": "What catalyst and temperatures are used in fluid catalytic cracking?",
        "context": "Fluid catalytic cracking converts heavy gas oil into gasoline and light olefins over a fine "
        "powdered zeolite Y catalyst. Oil meets hot regenerated catalyst at the bottom of a riser reactor, where "
        "cracking takes a few seconds at about 500–550 °C. Coke deposited on the catalyst is burned off with air "
        "in the regenerator at about 650–750 °C, which also reheats the catalyst and supplies the heat for "
        "cracking.",
        "answer": "FCC uses a powdered zeolite Y catalyst: the gas oil cracks within a few seconds in a riser at "
        "about 500–550 °C. The regenerator burns the coke off with air at about 650–750 °C, reheating the "
        "catalyst that carries heat back to the riser.",
        "wrong": "FCC uses a platinum-on-alumina catalyst: the gas oil cracks within a few seconds in a riser at "
        "about 500–550 °C. The regenerator burns the coke off with air at about 650–750 °C, reheating the "
        "catalyst that carries heat back to the riser.",
        "facet": "catalyst",
    },
    {
        "id": "catalytic-reforming",
        "topic": "refining",
        "question": "What does catalytic reforming do to naphtha, and over which catalyst?",
        "context": "Catalytic reforming raises the octane of heavy naphtha by converting naphthenes and paraffins to "
        "aromatics, with hydrogen as a valuable by-product. It uses a bifunctional platinum (often platinum–"
        "rhenium) catalyst on chlorided alumina at about 480–530 °C and moderate pressure, in several reactors "
        "with fired heaters in between because the dehydrogenation reactions are endothermic.",
        "answer": "Reforming turns naphthenes and paraffins of heavy naphtha into aromatics, raising octane and "
        "releasing hydrogen. It runs over platinum or platinum–rhenium on chlorided alumina at about 480–530 °C, "
        "with heaters between reactors because the dehydrogenation is endothermic.",
        "wrong": "Reforming turns naphthenes and paraffins of heavy naphtha into aromatics, raising octane and "
        "releasing hydrogen. It runs over platinum or platinum–rhenium on chlorided alumina at about 120 °C, "
        "with coolers between reactors because the dehydrogenation is exothermic.",
        "facet": "condition",
    },
    {
        "id": "steam-cracking",
        "topic": "ethylene",
        "question": "How is ethylene produced by steam cracking?",
        "context": "Ethylene is produced by steam cracking of ethane, propane or naphtha without a catalyst. The feed "
        "is mixed with steam, which lowers the hydrocarbon partial pressure and reduces coking, and is heated in "
        "the radiant coils of a furnace to a coil outlet temperature of about 800–850 °C with a residence time of "
        "roughly 0.1–0.5 s. The cracked gas is quenched immediately in transfer-line exchangers to stop further "
        "reactions.",
        "answer": "Ethane, propane or naphtha is mixed with steam and cracked without a catalyst in furnace coils, "
        "leaving at about 800–850 °C after only 0.1–0.5 s. Transfer-line exchangers quench the gas at once; the "
        "steam cuts the hydrocarbon partial pressure and limits coking.",
        "wrong": "Ethane, propane or naphtha is mixed with steam and cracked without a catalyst in furnace coils, "
        "leaving at about 300 °C after a residence time of several hours. Transfer-line exchangers quench the gas "
        "at once; the steam cuts the hydrocarbon partial pressure and limits coking.",
        "facet": "condition",
    },
    {
        "id": "hydrodesulfurization",
        "topic": "refining",
        "question": "How is sulfur removed from diesel by hydrodesulfurization?",
        "context": "Hydrodesulfurization treats distillates with hydrogen over sulfided cobalt–molybdenum or "
        "nickel–molybdenum catalysts on alumina at about 300–400 °C and 30–130 bar. Organic sulfur compounds "
        "are converted to hydrocarbons and hydrogen sulfide. The H2S is removed from the recycle gas by amine "
        "scrubbing and sent to a Claus unit, which converts it to elemental sulfur.",
        "answer": "The diesel is treated with hydrogen over sulfided cobalt–molybdenum or nickel–molybdenum on "
        "alumina at about 300–400 °C and 30–130 bar, turning organic sulfur into hydrogen sulfide. Amine "
        "scrubbing removes the H2S, which a Claus unit converts to elemental sulfur.",
        "wrong": "The diesel is treated with hydrogen over a silver catalyst on alumina at about 300–400 °C and "
        "30–130 bar, turning organic sulfur into hydrogen sulfide. Amine scrubbing removes the H2S, which a Claus "
        "unit converts to elemental sulfur.",
        "facet": "catalyst",
    },
    {
        "id": "claus",
        "topic": "sulfur",
        "question": "How does the Claus process recover sulfur from hydrogen sulfide?",
        "context": "In the Claus process one third of the hydrogen sulfide is burned with air in a reaction furnace at "
        "about 1000–1400 °C to sulfur dioxide. The remaining H2S reacts with the SO2 to sulfur and water, 2 H2S + SO2 → 3 S + "
        "2 H2O, partly in the furnace and then in two or three catalytic converters filled with activated alumina or "
        "titania at about 200–350 °C, with sulfur condensed after each stage. Overall recovery is about 95–98%.",
        "answer": "A third of the H2S is burned with air to SO2 in a furnace at about 1000–1400 °C; the rest reacts "
        "with that SO2 to sulfur and water. The reaction continues in two or three converters of activated "
        "alumina or titania at about 200–350 °C, sulfur is condensed after each stage, and about 95–98% is "
        "recovered.",
        "wrong": "All of the H2S is burned with pure oxygen to SO3 in a furnace at about 1000–1400 °C; the SO3 is "
        "then reduced to sulfur and water. The reaction continues in two or three converters of activated alumina "
        "or titania at about 200–350 °C, sulfur is condensed after each stage, and about 95–98% is recovered.",
        "facet": "reagent",
    },
    {
        "id": "ldpe-hdpe",
        "topic": "polyethylene",
        "question": "How do LDPE and HDPE production conditions differ?",
        "context": "Low-density polyethylene is made by free-radical polymerization of ethylene at very high pressure, "
        "about 1000–3000 bar, and 150–300 °C, initiated by oxygen or organic peroxides in tubular or autoclave "
        "reactors; the product is highly branched. High-density polyethylene is made at low pressure, below "
        "about 50 bar, and 50–110 °C with Ziegler–Natta or Phillips chromium catalysts, giving linear chains.",
        "answer": "LDPE comes from free-radical polymerization at about 1000–3000 bar and 150–300 °C, started by "
        "oxygen or peroxides, and is highly branched. HDPE is made below about 50 bar and at 50–110 °C with "
        "Ziegler–Natta or Phillips chromium catalysts, so its chains are linear.",
        "wrong": "LDPE comes from free-radical polymerization at about 5 bar and 60 °C, started by oxygen or "
        "peroxides, and is highly branched. HDPE is made below about 50 bar and at 50–110 °C with Ziegler–Natta "
        "or Phillips chromium catalysts, so its chains are linear.",
        "facet": "condition",
    },
    {
        "id": "polypropylene",
        "topic": "polypropylene",
        "question": "Which catalysts and conditions are used to make isotactic polypropylene?",
        "context": "Isotactic polypropylene is made with Ziegler–Natta catalysts, today titanium tetrachloride "
        "supported on magnesium chloride and activated with triethylaluminium plus an electron donor, or with "
        "metallocene catalysts. Polymerization runs in liquid propylene (bulk) or in the gas phase at about "
        "60–80 °C and 20–40 bar, and hydrogen is added to control molecular weight.",
        "answer": "It is made with Ziegler–Natta catalysts, titanium tetrachloride on magnesium chloride activated "
        "by triethylaluminium and an electron donor, or with metallocenes. Bulk or gas-phase reactors run at "
        "about 60–80 °C and 20–40 bar, with hydrogen to set the molecular weight.",
        "wrong": "It is made with a platinum catalyst supported on silica and activated by triethylaluminium and an "
        "electron donor. Bulk or gas-phase reactors run at about 60–80 °C and 20–40 bar, with hydrogen to set "
        "the molecular weight.",
        "facet": "catalyst",
    },
    {
        "id": "cumene-phenol",
        "topic": "phenol",
        "question": "How does the cumene process make phenol?",
        "context": "In the cumene (Hock) process benzene is alkylated with propylene over a zeolite catalyst to cumene. "
        "Cumene is oxidized with air to cumene hydroperoxide, which is cleaved with a small amount of sulfuric "
        "acid into phenol and acetone. About 0.6 tonnes of acetone is co-produced per tonne of phenol.",
        "answer": "Benzene and propylene are combined over a zeolite to cumene, which air oxidizes to cumene "
        "hydroperoxide. Cleavage with a little sulfuric acid gives phenol and acetone, about 0.6 tonnes of "
        "acetone per tonne of phenol.",
        "wrong": "Benzene and propylene are combined over a zeolite to cumene, which air oxidizes to cumene "
        "hydroperoxide. Cleavage with a little sulfuric acid gives phenol and methanol, about 0.6 tonnes of "
        "methanol per tonne of phenol.",
        "facet": "reagent",
    },
    {
        "id": "oxo",
        "topic": "oxo alcohols",
        "question": "What catalyst and conditions does low-pressure propylene hydroformylation use?",
        "context": "Hydroformylation (the oxo process) adds synthesis gas to propylene to give n- and "
        "iso-butyraldehyde. The low-pressure oxo process uses a rhodium catalyst modified with "
        "triphenylphosphine at about 90–120 °C and 15–20 bar, giving a high ratio of linear to branched "
        "aldehyde. Older processes used cobalt carbonyl catalysts at 200–300 bar.",
        "answer": "Propylene and synthesis gas react over a rhodium catalyst modified with triphenylphosphine at "
        "about 90–120 °C and 15–20 bar. This gives mostly linear n-butyraldehyde, unlike the older cobalt "
        "processes that needed 200–300 bar.",
        "wrong": "Propylene and synthesis gas react over a rhodium catalyst modified with triphenylphosphine at "
        "about 90–120 °C and 900 bar. This gives mostly linear n-butyraldehyde, unlike the older cobalt "
        "processes that needed 200–300 bar.",
        "facet": "condition",
    },
    {
        "id": "acrylonitrile",
        "topic": "acrylonitrile",
        "question": "How is acrylonitrile produced by the SOHIO process?",
        "context": "The SOHIO process makes acrylonitrile by ammoxidation: propylene, ammonia and air react over a "
        "bismuth molybdate-based catalyst in a fluidized-bed reactor at about 400–450 °C and 1–2 bar. The "
        "reaction is strongly exothermic and heat is removed by cooling coils that raise steam. Hydrogen cyanide "
        "and acetonitrile are the main by-products, and the reactor effluent is quenched with sulfuric acid to "
        "remove unreacted ammonia.",
        "answer": "Propylene, ammonia and air react over a bismuth molybdate catalyst in a fluidized bed at about "
        "400–450 °C and 1–2 bar, with steam-raising coils removing the heat. Hydrogen cyanide and acetonitrile "
        "are the by-products, and a sulfuric acid quench takes out the unreacted ammonia.",
        "wrong": "Propane, chlorine and air react over a bismuth molybdate catalyst in a fluidized bed at about "
        "400–450 °C and 1–2 bar, with steam-raising coils removing the heat. Hydrogen cyanide and acetonitrile "
        "are the by-products, and a sulfuric acid quench takes out the unreacted chlorine.",
        "facet": "reagent",
    },
    {
        "id": "maleic-anhydride",
        "topic": "maleic anhydride",
        "question": "What catalyst is used to oxidize n-butane to maleic anhydride?",
        "context": "Maleic anhydride is produced mainly by selective oxidation of n-butane with air over a vanadium "
        "phosphorus oxide (VPO) catalyst, containing vanadyl pyrophosphate, at about 380–430 °C. Fixed-bed "
        "multitubular reactors cooled by molten salt are common, and the butane concentration is kept below the "
        "flammable limit, about 1.8%.",
        "answer": "The oxidation runs over a vanadium phosphorus oxide (VPO) catalyst at about 380–430 °C, usually "
        "in multitubular fixed-bed reactors cooled with molten salt. Butane is kept below about 1.8% in air, "
        "under the flammable limit.",
        "wrong": "The oxidation runs over a zeolite Y catalyst at about 380–430 °C, usually in multitubular "
        "fixed-bed reactors cooled with molten salt. Butane is kept below about 1.8% in air, under the flammable "
        "limit.",
        "facet": "catalyst",
    },
    {
        "id": "formaldehyde",
        "topic": "formaldehyde",
        "question": "Which two catalytic routes convert methanol to formaldehyde?",
        "context": "Formaldehyde is made from methanol by two routes. The silver process passes methanol and a "
        "limited amount of air over a silver catalyst at about 600–650 °C, combining dehydrogenation and partial "
        "oxidation. The Formox process uses an excess of air over an iron molybdate catalyst at about "
        "250–400 °C, and the product gas is absorbed in water to give formalin.",
        "answer": "In the silver process, methanol with limited air goes over a silver catalyst at about "
        "600–650 °C, dehydrogenating and partly oxidizing it. The Formox route uses excess air over iron "
        "molybdate at about 250–400 °C; in both, water absorbs the formaldehyde to formalin.",
        "wrong": "In the silver process, methanol with limited air goes over a nickel catalyst at about 600–650 °C, "
        "dehydrogenating and partly oxidizing it. The Formox route uses excess air over iron molybdate at about "
        "250–400 °C; in both, water absorbs the formaldehyde to formalin.",
        "facet": "catalyst",
    },
    {
        "id": "tio2-chloride",
        "topic": "titanium dioxide",
        "question": "Describe the chloride process for titanium dioxide pigment.",
        "context": "In the chloride process, rutile or synthetic rutile is chlorinated with chlorine in the presence "
        "of coke in a fluidized bed at about 900–1000 °C, giving titanium tetrachloride. The TiCl4 is purified by "
        "distillation and then burned with oxygen at high temperature to form TiO2 pigment, releasing chlorine "
        "that is recycled to the chlorinator.",
        "answer": "Rutile is chlorinated with chlorine and coke in a fluidized bed at about 900–1000 °C to titanium "
        "tetrachloride. After distillation the TiCl4 is burned with oxygen to TiO2 pigment, and the chlorine it "
        "releases is recycled.",
        "wrong": "Rutile is chlorinated with chlorine and coke in a fluidized bed at about 900–1000 °C to titanium "
        "tetrachloride. After distillation the TiCl4 is hydrolyzed with sulfuric acid to TiO2 pigment, and the "
        "sulfur it releases is recycled.",
        "facet": "reagent",
    },
    {
        "id": "ammonium-nitrate",
        "topic": "nitric acid",
        "question": "How is ammonium nitrate produced and finished?",
        "context": "Ammonium nitrate is made by neutralizing nitric acid with gaseous ammonia, a strongly exothermic "
        "reaction whose heat is used to evaporate water. The resulting solution is concentrated in evaporators to "
        "about 95–99.8% and then prilled in a tower or granulated. pH and temperature in the neutralizer are "
        "controlled closely because contamination and overheating can make ammonium nitrate decompose.",
        "answer": "Gaseous ammonia neutralizes nitric acid, and the heat released evaporates water; evaporators then "
        "concentrate the solution to about 95–99.8% before prilling or granulation. The neutralizer's pH and "
        "temperature are controlled closely because overheating and contamination can make it decompose.",
        "wrong": "Gaseous ammonia neutralizes sulfuric acid, and the heat released evaporates water; evaporators "
        "then concentrate the solution to about 95–99.8% before prilling or granulation. The neutralizer's pH and "
        "temperature are controlled closely because overheating and contamination can make it decompose.",
        "facet": "reagent",
    },
    {
        "id": "valve-fail-safe",
        "topic": "instrumentation",
        "question": "What failure position should the fuel gas valve of a fired heater have, and why?",
        "context": "A control valve's failure position is chosen so that loss of instrument air or signal drives the "
        "process to a safe state. The fuel gas valve of a fired heater is therefore fail-closed (air-to-open): "
        "on air failure the spring shuts off fuel and the flame, preventing overheating of the tubes. A "
        "cooling water valve on an exothermic reactor is usually fail-open (air-to-close) for the same reason.",
        "answer": "It should be fail-closed (air-to-open), so that if instrument air or the signal is lost the spring "
        "shuts off the fuel and the heater cannot overheat its tubes. Failure positions are chosen so that loss "
        "of air drives the process to a safe state.",
        "wrong": "It should be fail-open (air-to-close), so that if instrument air or the signal is lost the spring "
        "keeps the fuel flowing and the heater stays at temperature. Failure positions are chosen so that loss "
        "of air drives the process to a safe state.",
        "facet": "control",
    },
    {
        "id": "cascade-control",
        "topic": "instrumentation",
        "question": "How is cascade control applied to a jacketed reactor's temperature?",
        "context": "In cascade control of a jacketed reactor, the primary (master) controller measures the reactor "
        "temperature and sets the setpoint of the secondary (slave) controller, which controls the jacket coolant "
        "temperature or flow. The inner loop must be considerably faster than the outer loop, typically three to "
        "five times, so that it rejects coolant disturbances before they reach the reactor. The inner loop is "
        "tuned first.",
        "answer": "The primary controller measures reactor temperature and sets the setpoint of a secondary "
        "controller on the jacket coolant temperature or flow. The inner loop, tuned first, must be three to five "
        "times faster than the outer one so it corrects coolant upsets before they reach the reactor.",
        "wrong": "The primary controller measures reactor temperature and sets the setpoint of a secondary "
        "controller on the jacket coolant temperature or flow. The outer loop, tuned first, must be three to five "
        "times faster than the inner one so it corrects coolant upsets before they reach the reactor.",
        "facet": "control",
    },
    {
        "id": "ratio-control",
        "topic": "instrumentation",
        "question": "How is the steam-to-carbon ratio of a steam reformer controlled?",
        "context": "The steam-to-carbon ratio of a reformer is held by ratio control: the natural gas feed flow is "
        "measured, multiplied by the desired ratio, and the result becomes the setpoint of the steam flow "
        "controller. On a feed increase, steam is raised first and on a decrease natural gas is cut first "
        "(lead–lag with high and low selectors), so the ratio never drops below the minimum that prevents carbon "
        "formation.",
        "answer": "Ratio control multiplies the measured natural gas flow by the desired steam-to-carbon ratio and "
        "sends the result as the steam flow controller's setpoint. Selectors make steam rise first on increases "
        "and gas fall first on decreases, so the ratio never drops low enough for carbon to form.",
        "wrong": "Ratio control multiplies the measured steam flow by the desired steam-to-carbon ratio and sends "
        "the result as the natural gas flow controller's setpoint. Selectors make gas rise first on increases and "
        "steam fall first on decreases, so the ratio never drops low enough for carbon to form.",
        "facet": "control",
    },
    {
        "id": "surge-drum-level",
        "topic": "instrumentation",
        "question": "How should the level controller of a surge drum be tuned?",
        "context": "A surge drum exists to absorb flow fluctuations so that the downstream unit sees a steady feed. Its "
        "level controller is therefore tuned loosely for averaging level control, often proportional-only or with "
        "low gain and long integral time, letting the level swing between high and low limits while the outflow "
        "changes slowly. Tight level control would pass every inflow disturbance straight to the downstream unit.",
        "answer": "Loosely, as averaging level control: proportional-only or a low gain with long integral time, so "
        "the level swings between its limits while the outflow changes slowly. Tight tuning would pass every "
        "inflow disturbance straight downstream, defeating the purpose of the drum.",
        "wrong": "Tightly, with high gain and short integral time, so the level stays exactly at setpoint while the "
        "outflow follows every change. That protects the downstream unit from inflow disturbances, which is the "
        "purpose of the drum.",
        "facet": "control",
    },
    {
        "id": "sis-voting",
        "topic": "instrumentation",
        "question": "How should a high-high pressure trip on a reactor be implemented in a safety instrumented system?",
        "context": "A safety instrumented function, such as a high-high pressure trip, must be independent of the "
        "basic process control system (BPCS): it has its own sensors, logic solver and final elements. For "
        "higher safety integrity levels (SIL 2 or 3) redundant transmitters are voted, commonly 2oo3, which "
        "tolerates one failed transmitter without a spurious trip and without losing protection.",
        "answer": "It should be a safety instrumented function independent of the BPCS, with its own sensors, logic "
        "solver and final elements. For SIL 2 or 3 the pressure transmitters are typically voted 2oo3, tolerating "
        "one failed transmitter without a spurious trip or loss of protection.",
        "wrong": "It should share transmitters and the logic solver with the BPCS to save cost, using a single 1oo1 "
        "transmitter even for SIL 2 or 3, since one sensor is enough to trip the reactor reliably.",
        "facet": "control",
    },
    {
        "id": "ziegler-nichols",
        "topic": "instrumentation",
        "question": "What PI settings does the Ziegler–Nichols ultimate-gain method give?",
        "context": "In the Ziegler–Nichols closed-loop method the controller is run proportional-only and the gain is "
        "raised until the loop oscillates steadily; that gain is the ultimate gain Ku and the oscillation period "
        "is Pu. The rules then give a PI controller Kc = 0.45 Ku and Ti = Pu/1.2, and a PID controller Kc = "
        "0.6 Ku, Ti = Pu/2 and Td = Pu/8. The resulting tuning is aggressive, with quarter-amplitude decay.",
        "answer": "With the ultimate gain Ku and period Pu found from sustained oscillation under proportional-only "
        "control, a PI controller gets Kc = 0.45 Ku and Ti = Pu/1.2. These settings are aggressive, aiming at "
        "quarter-amplitude decay.",
        "wrong": "With the ultimate gain Ku and period Pu found from sustained oscillation under proportional-only "
        "control, a PI controller gets Kc = 2 Ku and Ti = 5 Pu. These settings are aggressive, aiming at "
        "quarter-amplitude decay.",
        "facet": "control",
    },
    {
        "id": "orifice-flow",
        "topic": "instrumentation",
        "question": "How does an orifice plate measure flow, and what limits its range?",
        "context": "An orifice plate creates a pressure drop that is proportional to the square of the flow rate, so "
        "the differential pressure transmitter's signal needs square-root extraction to give flow. Because of "
        "this square law, the usable rangeability of an orifice meter is only about 3:1 to 4:1; at low flows the "
        "differential pressure becomes too small to measure accurately.",
        "answer": "The plate's differential pressure rises with the square of flow, so the transmitter signal is "
        "square-root extracted to get flow. That square law limits rangeability to about 3:1–4:1, since at low "
        "flow the differential pressure is too small to measure well.",
        "wrong": "The plate's differential pressure is linear in flow, so the transmitter signal is used directly "
        "as flow without extraction. That linear law gives a rangeability of about 100:1, so even very low flows "
        "are measured well.",
        "facet": "control",
    },
    {
        "id": "anti-surge",
        "topic": "instrumentation",
        "question": "How does anti-surge control protect a centrifugal compressor?",
        "context": "A centrifugal compressor surges when its flow drops below the surge line at a given head, causing "
        "flow reversal and damaging vibration. Anti-surge control measures flow and pressure ratio, keeps the "
        "operating point a safety margin to the right of the surge line, and opens a fast-acting recycle valve "
        "that returns cooled discharge gas to the suction when the margin is lost.",
        "answer": "It measures flow and pressure ratio and keeps the operating point a safety margin from the surge "
        "line; when the margin is lost it opens a fast recycle valve that sends cooled discharge gas back to "
        "suction, so the compressor flow never falls into surge.",
        "wrong": "It measures flow and pressure ratio and keeps the operating point a safety margin from the surge "
        "line; when the margin is lost it closes the suction valve and shuts the recycle valve, so the "
        "compressor flow never falls into surge.",
        "facet": "control",
    },
    {
        "id": "three-element-drum",
        "topic": "instrumentation",
        "question": "What is three-element boiler drum level control and why is it needed?",
        "context": "Three-element drum level control uses drum level, steam flow and feedwater flow. Steam flow acts as "
        "a feedforward signal that sets the feedwater flow demand, the feedwater flow controller is the inner "
        "loop, and level trims the demand. It is needed because of shrink and swell: a sudden rise in steam "
        "demand makes the level rise briefly even though water inventory is falling, which misleads a level-only "
        "controller.",
        "answer": "It combines drum level, steam flow and feedwater flow: steam flow is fed forward to set feedwater "
        "demand, a feedwater flow loop follows it, and level trims the demand. This copes with shrink and swell, "
        "where a jump in steam demand briefly raises the level although inventory is falling.",
        "wrong": "It combines drum level, fuel gas flow and furnace temperature: fuel flow is fed forward to set "
        "feedwater demand, a temperature loop follows it, and level trims the demand. This copes with shrink and "
        "swell, where a jump in steam demand briefly raises the level although inventory is falling.",
        "facet": "control",
    },
    {
        "id": "column-pressure",
        "topic": "instrumentation",
        "question": "How are pressure and composition typically controlled on a distillation column?",
        "context": "On a typical distillation column with a total condenser, column pressure is controlled by "
        "manipulating the condenser duty, for example the cooling water flow or a hot-vapour bypass. Product "
        "composition is usually inferred from a sensitive tray temperature, which is controlled by manipulating "
        "the reboiler steam flow, while reflux drum level is held with the distillate or reflux flow.",
        "answer": "Pressure is held by adjusting the condenser duty, such as the cooling water flow or a hot-vapour "
        "bypass. Composition is inferred from a sensitive tray temperature controlled with reboiler steam, and "
        "the reflux drum level is kept with distillate or reflux flow.",
        "wrong": "Pressure is held by adjusting the reboiler steam flow, and composition is inferred from the "
        "cooling water temperature controlled with the feed pump speed, while the reflux drum level is kept with "
        "the bottoms flow.",
        "facet": "control",
    },
    {
        "id": "relief-valve",
        "topic": "instrumentation",
        "question": "At what pressure is a pressure relief valve on a vessel set?",
        "context": "A pressure relief valve protecting a vessel is set to open at or below the vessel's maximum "
        "allowable working pressure (MAWP). Codes such as ASME Section VIII limit the accumulation during "
        "relief, typically to 10% above MAWP for a single valve and 21% for a fire case. Relief devices are not "
        "a substitute for control: the normal operating pressure is kept some margin below the set pressure.",
        "answer": "It is set at or below the vessel's MAWP. During relief, codes like ASME Section VIII allow "
        "accumulation of about 10% above MAWP for a single valve (21% in a fire case), and normal operation is "
        "kept some margin below the set pressure.",
        "wrong": "It is set at 150% of the vessel's MAWP. During relief, codes like ASME Section VIII allow "
        "accumulation of about 10% above MAWP for a single valve (21% in a fire case), and normal operation is "
        "kept some margin below the set pressure.",
        "facet": "condition",
    },
]

# Off-topic replies that are not about chemistry at all (a model answering from the wrong conversation).
UNRELATED_ANSWERS: list[str] = [
    "The Eiffel Tower was completed in 1889 for the World's Fair in Paris and stands about 330 metres tall "
    "including its antennas.",
    "To bake sourdough bread, mix flour, water and salt with an active starter, let the dough rise for several "
    "hours, shape it, and bake it at a high oven temperature until the crust is deep brown.",
    "A good password manager stores your credentials in an encrypted vault, so you only need to remember one "
    "strong master passphrase and can use a unique password for every website.",
    "In football, a hat-trick means that one player scores three goals in a single match, which is celebrated "
    "as a rare achievement.",
    "The novel follows a young woman who moves to the city, finds work in a bookshop and slowly rebuilds her "
    "relationship with her estranged father.",
    "Regular exercise, enough sleep and a balanced diet rich in vegetables are the most reliable ways to "
    "improve long-term health.",
    "Python lists are ordered and mutable, while tuples are ordered and immutable, which makes tuples usable "
    "as dictionary keys.",
    "The Great Barrier Reef off the coast of Queensland is the world's largest coral reef system and can be "
    "seen from space.",
    "When planning a trip to Japan, a rail pass can save money if you travel between several cities within a "
    "week or two.",
    "Impressionist painters such as Monet worked outdoors to capture changing light, using quick, visible "
    "brush strokes.",
    "Tomatoes grow best in full sun with regular watering, and tall varieties need stakes or cages to support "
    "the fruit.",
]
