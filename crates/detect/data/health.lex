# Health and care lexicon: the words that make a text about a person special-category data
# (GDPR art. 9), in Swedish (also Finland-Swedish), Danish, Norwegian, Finnish, Icelandic and
# English. Written for Datavakt from general medical and social-care vocabulary.
#
# A section starts with [role]: an evidence category (its name is what findings show instead
# of the words), or one of the roles that judge a sentence: person (it is about someone),
# admin (it is about an organisation: budgets, staff, statistics), code-context (ICD-10 and
# ATC codes may follow).
#
# A line is a language code, a colon and terms separated by commas. A term matches where a
# word starts and may be followed by more letters, so one stem covers inflections and the
# first part of compounds ("diabetes" in "diabetesmottagning").
#   ~term   may also end a compound: matches inside a word ("~sår" in "trycksår")
#   term.   whole word only: no letters may follow
#   =TERM   case as written (KOL is COPD, kol is coal)
#   ?term   has an everyday or technical sense too ("operation", "disabled", "injection"): it
#           counts only in a document that is otherwise medical or care text (a health word
#           without such a sense in a sentence about a person, or two anywhere)
#   ^term   an eponym: still the term when capitalised inside a sentence ("Alzheimers"),
#           where another capitalised word holding a term is a proper noun ("Krefting")
# The section [not] lists words that hold a term and are not it ("bekræfte", to confirm,
# holds "kræft"): where such a word starts before the term or at it, the term is not read.
# Matching ignores ASCII case; Latin-1 spellings are added for Windows-1252 text.

[diagnosis]
sv: blodtryck, ~blodtryck, diabetes, demens, ~demens, ^alzheimer, ^parkinson, cancer, ~cancer, tumör, ?stroke, hjärtinfarkt, hjärtsvikt, =KOL., astma, epilepsi, reumati, ledgångsreumati, artros, osteoporos, benskörhet, höftfraktur, ?~fraktur, lunginflammation, pneumoni, urinvägsinfektion, sepsis, hypertoni, högt blodtryck, förmaksflimmer, njursvikt, ?hiv., ?aids., hepatit, trycksår, ~trycksår, bensår, fotsår, liggsår, sår., såret., såren., ?diagnos, ~sjukdom, sjukdom
da: blodtryk, knoglebrud, ~knoglebrud, sukkersyge, demens, ^alzheimer, ^parkinson, kræft, ~kræft, blodprop, apopleksi, hjerteinfarkt, hjertesvigt, astma, epilepsi, gigt, ~gigt, knogleskørhed, osteoporose, hoftebrud, lungebetændelse, urinvejsinfektion, blærebetændelse, forhøjet blodtryk, atrieflimren, nyresvigt, hepatitis, tryksår, ~tryksår, liggesår, bensår, ?diagnose, ~sygdom, sygdom
no: blodtrykk, kreft, ~kreft, ?brudd, ?~brudd, hjerneslag, hjerteinfarkt, hjertesvikt, =KOLS., revmatisme, leddgikt, artrose, beinskjørhet, hoftebrudd, lungebetennelse, urinveisinfeksjon, høyt blodtrykk, atrieflimmer, nyresvikt, hepatitt, trykksår, ~trykksår, leggsår, ~sykdom, sykdom
fi: verenpaine, muistitutki, diabete, sokeritau, dementia, muistisairau, ~muistisairau, syöpä, syövä, ~syöpä, ~syövä, aivoinfarkt, aivoveren, sydäninfarkt, sydämen vajaatoim, sydänkohtau, keuhkoahtaumatau, astma, epilepsia, reuma, nivelrikko, osteoporoosi, lonkkamurtum, ~murtuma, keuhkokuume, virtsatieinfekt, verenpainetau, kohonnut verenpaine, eteisvärinä, munuaisten vajaatoim, hepatiit, painehaava, ~haava, haava, haavau, ?diagnoosi, ~sairaus, sairaus, sairauden
is: mjaðmarbrot, ~mjaðmarbrot, beinbrot, ~beinbrot, blóðþrýsting, sykursýk, heilabilun, elliglöp, ^alzheimer, ^parkinson, krabbamein, heilablóðfall, hjartaáfall, hjartabilun, lungnateppa, astma, flogaveik, gigt, liðagigt, slitgigt, beinþynning, mjaðmabrot, lungnabólg, þvagfærasýking, blóðeitrun, háþrýsting, gáttatif, nýrnabilun, lifrarbólg, legusár, þrýstingssár, sár., sárið., sjúkdóm
en: blood pressure, =MMSE., diabetes, diabetic, dementia, ^alzheimer, ^parkinson, cancer, tumour, tumor, ?stroke, heart attack, myocardial infarction, heart failure, =COPD, asthma, epilepsy, arthritis, osteoporosis, hip fracture, fracture, pneumonia, urinary tract infection, uti., sepsis, hypertension, high blood pressure, atrial fibrillation, kidney failure, renal failure, hepatitis, pressure ulcer, pressure sore, bedsore, leg ulcer, ulcer, wound, ?diagnosis, ?diagnosed

[symptom]
sv: smärta, smärtor, ~smärt, illamående, yrsel, kräkning, kräkts, feber, andnöd, ödem, svullnad, svullen, klåda, inkontinens, förvirrad, förvirring, sömnsvårighet, ont i
da: smerter, ~smerter, kvalme, svimmel, opkast, feber, åndenød, ødem, hævelse, ?hævet, kløe, inkontinens, forvirret, søvnbesvær, ondt i
no: smerter, ~smerter, kvalme, svimmel, oppkast, feber, pustebesvær, ødem, hevelse, ?hoven, kløe, inkontinens, forvirret, søvnproblem, vondt i
fi: kipu., kivut, kivun, kipuja, ~kipu., pahoinvoin, huimau, oksentel, kuume, hengenahdistu, turvotu, turvonnut, kutina, inkontinen, sekava, unettomuu
is: verkir, verkur, verki., verkja, ógleði, svimi, uppköst, hiti., mæði, bjúg, kláði, þvagleki, svefnleys
en: ?pain., ?pains., ?painful, nausea, dizz, vomit, fever, breathless, shortness of breath, oedema, edema, swelling, swollen, itching, incontinen, ?confused, ?confusion, insomnia

[treatment]
sv: ?injektion, sårvård, omläggning, ~omläggning, läggs om, dialys, kemoterapi, cytostatika, strålbehandling, opererad, ?operation, fysioterapi, sjukgymnast, kateter, stomi, syrgas, provtagning, blodprov, blodsocker, vaccination, insulinbehandling, rehabilitering
da: ?injektion, sårpleje, ?forbinding, dialyse, kemoterapi, strålebehandling, ?operation, opereret, genoptræning, fysioterapi, kateter, stomi, ilt., blodprøve, blodsukker, vaccination
no: ?injeksjon, sårstell, ?bandasje, dialyse, cellegift, strålebehandling, ?operasjon, operert, fysioterapi, kateter, stomi, ?oksygen, blodprøve, blodsukker, vaksinasjon
fi: pistos, ?injektio, haavanhoi, ?sidos., sidoksen., dialyysi, sytostaat, solunsalpaaj, sädehoi, ?leikkau, leikattu, fysioterapi, katetri, avanne, happihoi, verikoe, verikokee, verensokeri, rokotu, kuntoutu
is: sprauta, sprautu, umbúðaskipt, skilun, lyfjameðferð, geislameðferð, skurðaðgerð, sjúkraþjálfun, þvaglegg, stóma, ?súrefni, blóðprufu, blóðprufa, blóðsykur, bólusetn, endurhæfing
en: ?injection, wound care, ?dressing, dialysis, chemotherapy, radiotherapy, surgery, physiotherapy, catheter, stoma, ?oxygen, blood test, blood sugar, blood glucose, vaccinat, rehabilitation

[medicine]
sv: läkemedel, medicin, dosett, medicinering, sömntablett, smärtstillande, antidepressiv, antibiotika
da: medicin, dosisdispens, smertestillende, sovepille, antidepressiv, antibiotika, pn-medicin
no: medisin, legemiddel, legemidler, multidose, smertestillende, sovetablett, antidepressiv, antibiotika
fi: lääke, lääkkee, lääkit, ~lääkitys, annosjakelu, kipulääk, unilääk, masennuslääk, antibioot
is: lyf., lyfja, lyfin., lyfið., lyfjagjöf, verkjalyf, svefnlyf, þunglyndislyf, sýklalyf, insúlín
en: medication, ?medicine, ?prescription, ?prescribed, painkiller, sleeping pill, antidepressant, antibiotic
# International names, the same in every language.
en: insulin, insuliini, metformin, warfarin, waran., marevan, apixaban, eliquis, rivaroxaban, xarelto, levothyroxin, levaxin, euthyrox, paracetamol, panodil, alvedon, pinex, ibuprofen, morfin, morphine, oxycodon, oxykodon, oxycodone, tramadol, kodein, codeine, sertralin, citalopram, escitalopram, mirtazapin, zopiklon, zopiclone, oxazepam, diazepam, haloperidol, risperidon, olanzapin, quetiapin, ?litium, ?lithium, furosemid, metoprolol, enalapril, simvastatin, atorvastatin, omeprazol, pantoprazol, prednisolon, kortison, cortisone, penicillin, amoxicillin, donepezil, memantin, salbutamol, ventoline, fragmin, laktulos, movicol, metadon, methadone, buprenorfin, subutex, suboxone

[care service]
sv: hemtjänst, hemsjukvård, särskilt boende, korttidsboende, äldreboende, trygghetslarm, ledsagning, avlösning, dagverksamhet, hemrehabilitering, personlig assistans, boendestöd, matdistribution, personlig omvårdnad, hemsjukvårds
da: hjemmepleje, ~hjemmepleje, hjemmehjælp, hjemmesygepleje, plejebolig, plejehjem, aflastning, nødkald, madservice, madudbringning, personlig pleje, praktisk hjælp, dagcenter, bad og påklædning
no: hjemmesykepleie, ~hjemmesykepleie, hjemmetjeneste, hjemmehjelp, praktisk bistand, sykehjem, omsorgsbolig, avlastning, trygghetsalarm, dagsenter, korttidsopphold, brukerstyrt personlig assistanse, =BPA.
fi: kotihoi, ~kotihoi, kotisairaanhoi, palveluasu, hoivakoti, vanhainkoti, omaishoi, turvapuhelin, turvarannek, ateriapalvelu, kylvetys, päivätoimin, lyhytaikaishoi, intervallihoi, yövalvont, käyntiapu, ~käyntiapu, peseytymisapu, saunotus
is: heimahjúkrun, heimaþjónust, hjúkrunarheimil, dvalarheimil, hvíldarinnlögn, öryggishnapp, matarsending, dagdvöl, heimilisaðstoð
en: home care, home-care, homecare, home help, home nursing, district nurs, nursing home, care home, residential care, respite care, personal care, meals on wheels, safety alarm, personal alarm, day centre, day center, reablement

[substance abuse]
sv: missbruk, ~missbruk, alkoholmissbruk, narkotika, abstinens, avgiftning, beroendevård, alkoholberoende, ?=LVM.
da: misbrug, ~misbrug, alkoholmisbrug, narkotika, abstinens, afrusning, alkoholbehandling, alkoholafhængig, stofmisbrug
no: rusmisbruk, ~rusmisbruk, rusavhengig, ?misbruk, ?~misbruk, narkotika, abstinens, avrusning, =LAR., rusbehandling
fi: päihde, päihte, ~päihde, alkoholiongelm, alkoholismi, huumei, huumeriippuv, vieroitu, korvaushoi, a-klinik
is: misnotkun, ~misnotkun, áfengissýki, alkóhólis, fíkn, ~fíkn, fíkniefn, vímuefn, afeitrun
en: substance abuse, substance misuse, alcoholism, alcohol abuse, alcohol dependence, ?addict, drug abuse, ?drug use, ?withdrawal, ?detox, opioid

[mental health]
sv: depression, deprimerad, ångest, ~ångest, psykos, schizofreni, bipolär, självmord, suicid, ätstörning, anorexi, adhd., autism, psykiatri, psykisk ohälsa, psykisk sjukdom, självskad
da: depression, depressiv, ?angst, ?~angst, psykose, skizofreni, bipolar, selvmord, selvskade, spiseforstyrrelse, anoreksi, adhd., autisme, psykiatri, psykisk sygdom, psykisk lidelse
no: depresjon, deprimert, ?angst, ?~angst, psykose, schizofreni, bipolar, selvmord, selvskading, spiseforstyrrelse, anoreksi, adhd., autisme, psykiatri, psykisk lidelse, psykisk syk
fi: masennu, masentu, ahdistu, ~ahdistu, psykoosi, skitsofreni, kaksisuuntai, itsemurh, itsetuho, syömishäiriö, anoreksia, adhd., autismi, psykiatri, mielenterveysongelm
is: þunglynd, kvíði, kvíða, geðrof, geðklof, geðhvörf, sjálfsvíg, átröskun, lystarstol, adhd., einhverf, geðdeild, geðsjúk, geðræn
en: ?depression, ?depressed, anxiety, psychosis, psychotic, schizophreni, ?bipolar, suicid, self-harm, eating disorder, anorexia, adhd., autism, psychiatr, mental illness

[disability]
sv: funktionsnedsättning, ~funktionsnedsättning, rörelsehinder, rullstol, rollator, synskad, hörselskad, utvecklingsstörning, hörapparat, ?blind., ?döv.
da: handicap, ~handicap, funktionsnedsættelse, kørestol, rollator, synshandicap, ?blind., ?døv., høreapparat, udviklingshæm
no: funksjonsnedsettelse, funksjonshemm, ~funksjonshemm, rullestol, rullator, synshemm, ?blind., ?døv., høreapparat, utviklingshemm
fi: vammai, ~vammai, kehitysvamm, liikuntarajoit, pyörätuol, rollaattori, näkövamm, kuulovamm, kuulolai, sokea., kuuro.
is: fötlun, fatlað, hjólastól, göngugrind, sjónskert, heyrnarskert, heyrnarlaus, heyrnartæk, þroskahöml, ?blind., ?blindur.
en: disability, ?disabled, wheelchair, walking frame, visually impaired, hearing impaired, ?blind., ?deaf., hearing aid, learning disabilit, intellectual disabilit

[person]
sv: han., hon., hen., honom., henne., hans., hennes., patient., patienten., patientens., brukare., brukaren., brukarens., vårdtagare., vårdtagaren., omsorgstagare., omsorgstagaren., klient., klienten., klientens., den enskilde
da: han., hun., ham., hende., hans., hendes., borger., borgeren., borgerens., patient., patienten., patientens., beboer., beboeren., beboerens., klient., klienten., klientens.
no: han., hun., ham., henne., hans., hennes., pasient., pasienten., pasientens., bruker., brukeren., brukerens., beboer., beboeren., beboerens., klient., klienten., klientens.
fi: hän., hänen., häntä., hänellä., hänelle., hänet., hänestä., potilas., potilaan., potilaalla., potilaalle., asiakas., asiakkaan., asiakkaalla., asiakkaalle.
is: hann., hún., honum., henni., hennar., hana., sjúklingur., sjúklingsins., sjúklingnum., skjólstæðingur., skjólstæðingsins., íbúinn.
en: he., she., him., her., his., patient., client., resident., service user.

[admin]
sv: budget, kostnad, utgift, procent, miljon, mkr., mnkr., rekryter, anställ, antal, antalet., statistik, upphandling, handlingsplan, riktlinje, rutin, nämnd, kommunfullmäktige, förvaltning, invånare, verksamhetsplan, personalen., medarbetare, ~kostnad, ~budget
da: budget, virksomhedsplan, udgift, omkostning, procent, million, mio., rekrutter, ansæt, ansat, antal, antallet., statistik, udbud, handlingsplan, retningslinje, udvalg, kommunalbestyrelse, forvaltning, indbygger, medarbejder, ~udgift, ~budget
no: budsjett, virksomhetsplan, utgift, kostnad, prosent, million, rekrutter, ansett, ansatt, tilsett, antall, antallet., statistikk, anbud, handlingsplan, retningslinje, rutine, utvalg, kommunestyre, forvaltning, innbygger, medarbeider, ~budsjett, ~kostnad
fi: budjet, ~budjet, kustannu, ~kustannu, menot., prosent, miljoon, rekrytoi, palkat, palkkaa, lukumäärä, määrä., tilasto, hankinta, toimintasuunnitelm, ohjeistu, lautakunt, valtuusto, hallinto, asukasta., henkilöstö, työntekijä
is: fjárhagsáætlun, kostnað, útgjöld, prósent, milljón, ráðning, ráðin., ráðnir., fjöldi, tölfræði, útboð, aðgerðaáætlun, verklagsregl, nefnd, sveitarstjórn, stjórnsýsl, íbúa., starfsfólk, starfsm
en: budget, cost., costs., spending, expenditure, percent, per cent, million, recruit, hired, hire., number of, statistics, procurement, tender, action plan, strategy, guideline, policy, committee, council, board., inhabitants, staff., employees
# Signs that need no language.
en: %

[not]
da: ~bekræft, ~afkræft, ~kræfter, ~hængigt, ~gangst, ~fangst, ødemark
no: ~bekreft, ~avkreft, ~krefter, ~kreftene, ~gangst, ~fangst, ødemark
sv: ~modemen, ~tandemen

[code-context]
sv: diagnos, dg., icd, atc., läkemedel
da: diagnose, icd, atc., sks., medicin
no: diagnose, icd, atc., legemiddel, medisin
fi: diagnoosi, icd, atc., lääke
is: greining, sjúkdómsgreining, icd, atc., lyf
en: diagnosis, diagnoses, diagnosed, icd, atc., dx.
