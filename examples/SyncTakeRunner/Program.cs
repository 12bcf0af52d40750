Console.Error.WriteLine("not yet written"); return 2;
