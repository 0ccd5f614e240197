def test_names_in_a_list_as_people_type_them():
    from core.text import names_in

    assert names_in("VAWG; Town  centre,Orpington\n\n, ") == ["VAWG", "Town centre", "Orpington"]
    assert names_in("") == []
